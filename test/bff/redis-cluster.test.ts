import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisSessionStore, silentLogger } from '../../bff/index.js';
import { sessionKey } from '../../bff/crypto/random.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginThrough } from '../support/provider-stack.js';
import { startRedisCluster, type RedisClusterUnderTest } from '../support/redis-cluster.js';
import { sessionStoreContract } from '../support/store-contract.js';

const KEY_PREFIX = 'bff-auth-test:cluster:';
/** Generous: a failover with a 1 s node timeout, on a noisy shared machine. */
const FAILOVER_MS = 30_000;

let dir: string;
let cluster: RedisClusterUnderTest;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bff-auth-cluster-'));
  cluster = await startRedisCluster(dir);
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

sessionStoreContract(
  'RedisSessionStore on a three-master Redis Cluster',
  () => new RedisSessionStore({ connection: { cluster: cluster.urls.slice(0, 2) }, keyPrefix: KEY_PREFIX, logger: silentLogger }),
);

describe('a BFF on a Redis Cluster ({ "cluster": [...] })', () => {
  let stack: HostileStack;
  beforeAll(async () => {
    stack = await startHostileStack(() => ({ session: { store: { cluster: [cluster.urls[0]!] }, keyPrefix: KEY_PREFIX } }));
  });
  afterAll(() => stack?.close());

  const sessionOf = async (cookie: string) => {
    const response = await fetch(`${stack.origin}/auth/session?slide=false`, {
      headers: { ...fetchHeaders, cookie: `bff-auth=${cookie}` },
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, body: await response.json() };
  };

  async function login(): Promise<string> {
    const { browser, location } = await loginThrough(stack, 'bad');
    expect(location).toBe('/home');
    return browser.cookies(stack.origin).find((entry) => entry.name === 'bff-auth')!.value;
  }

  it('keeps sessions on several masters, and they survive the failover of one', async () => {
    // Sessions until they sit on at least two of the three masters.
    const cookies: string[] = [];
    const masters = new Set<number>();
    while (cookies.length < 3 || masters.size < 2) {
      const cookie = await login();
      cookies.push(cookie);
      masters.add((await cluster.masterOf(`${KEY_PREFIX}session:{${sessionKey(cookie)}}`)).port);
    }
    for (const cookie of cookies) expect((await sessionOf(cookie)).body).toMatchObject({ authenticated: true });
    expect((await fetch(`${stack.origin}/auth/health`)).status).toBe(200);

    const victim = await cluster.masterOf(`${KEY_PREFIX}session:{${sessionKey(cookies[0]!)}}`);
    // Replication is asynchronous: wait until the replica has what the master wrote, as a quiet moment in production would.
    const direct = victim.client();
    expect(await direct.call('WAIT', '1', '5000')).toBe(1);
    direct.disconnect();
    await victim.kill();

    await vi.waitFor(async () => expect((await sessionOf(cookies[0]!)).status).toBe(200), { timeout: FAILOVER_MS, interval: 250 });
    for (const cookie of cookies) expect(await sessionOf(cookie)).toMatchObject({ status: 200, body: { authenticated: true } });
    expect((await sessionOf(await login())).body).toMatchObject({ authenticated: true });
    expect((await fetch(`${stack.origin}/auth/health`)).status).toBe(200);
  }, 2 * FAILOVER_MS);
});
