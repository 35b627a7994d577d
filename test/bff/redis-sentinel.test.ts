import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../support/bff.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginThrough } from '../support/provider-stack.js';
import { startRedisSentinel, startRedisServer, type RedisServer } from '../support/redis-server.js';

const KEY_PREFIX = 'bff-auth-test:sentinel:';
const GROUP = 'bffauth';
/** Generous: a Sentinel failover after 1 s of silence, on a noisy shared machine. */
const FAILOVER_MS = 30_000;

describe('a BFF on a Redis group watched by Sentinel ({ "sentinels": [...], "name": "..." })', () => {
  let dir: string;
  let master: RedisServer;
  let replica: RedisServer;
  let sentinel: RedisServer;
  let stack: HostileStack;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bff-auth-sentinel-'));
    master = await startRedisServer(await freePort(), dir);
    replica = await startRedisServer(await freePort(), dir, ['--replicaof', '127.0.0.1', String(master.port)]);
    sentinel = await startRedisSentinel(await freePort(), dir, GROUP, master.port);
    stack = await startHostileStack(() => ({ session: { store: { sentinels: [sentinel.url], name: GROUP }, keyPrefix: KEY_PREFIX } }));
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    for (const server of [sentinel, replica, master]) await server?.kill();
    await rm(dir, { recursive: true, force: true });
  });

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

  it('keeps sessions on the master Sentinel names, and they survive its failover to the replica', async () => {
    const cookies = [await login(), await login()];
    for (const cookie of cookies) expect((await sessionOf(cookie)).body).toMatchObject({ authenticated: true });

    const direct = master.client();
    expect(await direct.call('WAIT', '1', '5000')).toBe(1);
    direct.disconnect();
    await master.kill();

    await vi.waitFor(async () => expect((await sessionOf(cookies[0]!)).status).toBe(200), { timeout: FAILOVER_MS, interval: 250 });
    for (const cookie of cookies) expect(await sessionOf(cookie)).toMatchObject({ status: 200, body: { authenticated: true } });
    // New sessions are written to the promoted replica.
    expect((await sessionOf(await login())).body).toMatchObject({ authenticated: true });
    expect((await fetch(`${stack.origin}/auth/health`)).status).toBe(200);
  }, 2 * FAILOVER_MS);
});
