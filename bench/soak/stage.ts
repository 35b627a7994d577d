import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, TEST_SECRET } from '../../test/support/bff.js';
import { startHostileProvider, type HostileProvider } from '../../test/support/hostile-provider.js';
import { asProviderBad } from '../../test/support/hostile-stack.js';
import { startRedisSentinel, startRedisServer, type RedisServer } from '../../test/support/redis-server.js';
import { startBalancer, type Balancer } from './balancer.js';
import { soakBff, type SoakBff } from './bff-node.js';

const GROUP = 'soak';
/** The access tokens' lifetime: the BFF refreshes a minute ahead, so a token needs a refresh 5 s after it is issued. */
const ACCESS_TOKEN_SECONDS = 65;

/**
 * What the soak runs on: Redis (a master, its replica, and a Sentinel watching them), the test
 * OpenID provider (rotating refresh tokens, a session id per login for back-channel logout), an
 * API upstream, two standalone BFF processes sharing sessions through Sentinel, and a
 * round-robin balancer in front of them, whose origin is the BFFs' public one.
 */
export interface SoakStage {
  origin: string;
  /** When the balancer reset a browser's connection mid-answer (see {@link Balancer.brokenOff}). */
  brokenOff: number[];
  idp: HostileProvider;
  bffs: SoakBff[];
  /** A client of whichever Redis is the master now. */
  redis: Redis;
  /** `SENTINEL FAILOVER`: the replica becomes the master; resolves once Sentinel names it. */
  failover: () => Promise<void>;
  close: () => Promise<void>;
}

export async function startSoakStage(): Promise<SoakStage> {
  const dir = await mkdtemp(join(tmpdir(), 'bff-auth-soak-'));
  const noDisk = ['--appendonly', 'no'];
  const master = await startRedisServer(await freePort(), dir, noDisk);
  const replica = await startRedisServer(await freePort(), dir, [...noDisk, '--replicaof', '127.0.0.1', String(master.port)]);
  const sentinel = await startRedisSentinel(await freePort(), dir, GROUP, master.port);
  const sentinels = [{ host: '127.0.0.1', port: sentinel.port }];
  const redis = new Redis({ sentinels, name: GROUP });
  const sentinelClient = new Redis({ host: '127.0.0.1', port: sentinel.port });
  // A failover makes both reconnect: the samples then miss Redis's memory once, which is all.
  for (const client of [redis, sentinelClient]) client.on('error', () => {});

  const idp = await startHostileProvider({ sessionIds: true });
  idp.behave({ accessTokenLifetime: ACCESS_TOKEN_SECONDS });
  const upstream: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  const ports = [await freePort(), await freePort()];
  const balancer: Balancer = await startBalancer(ports.map((port) => ({ port })));
  const config = {
    baseUrl: balancer.origin,
    secrets: [TEST_SECRET],
    httpTimeoutMs: 5000,
    rateLimit: false,
    ...asProviderBad(idp),
    session: { store: { sentinels: [sentinel.url], name: GROUP, waitForReplicas: 1 }, keyPrefix: 'bff-auth-soak:' },
    apis: [{ path: '/api/soak', provider: 'bad', target, methods: ['GET'] }],
  };
  const bffs = await Promise.all(ports.map((port, index) => soakBff(dir, `bff-${index + 1}`, port, config)));

  const masterPort = async () => ((await sentinelClient.call('SENTINEL', 'get-master-addr-by-name', GROUP)) as [string, string])[1];
  return {
    origin: balancer.origin,
    brokenOff: balancer.brokenOff,
    idp,
    bffs,
    redis,
    failover: async () => {
      const before = await masterPort();
      await sentinelClient.call('SENTINEL', 'FAILOVER', GROUP);
      while ((await masterPort()) === before) await new Promise((resolve) => setTimeout(resolve, 100));
    },
    close: async () => {
      await Promise.all(bffs.map((bff) => bff.stop()));
      await balancer.close();
      await new Promise((resolve) => upstream.close(resolve));
      await idp.close();
      redis.disconnect();
      sentinelClient.disconnect();
      for (const server of [sentinel, replica, master] as RedisServer[]) await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
