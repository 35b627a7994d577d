import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/bff.js';
import { expectSessionsToSurviveFailover } from '../support/failover.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginForCookie, sessionWithCookie } from '../support/session-cookie.js';
import { expectOneRateLimitCount } from '../support/shared-rate-limit.js';
import { startRedisSentinel, startRedisServer, type RedisServer } from '../support/redis-server.js';
import { expectSessionsEndedInTwoBffs } from '../support/user-sessions.js';

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

  const sessionOf = (cookie: string) => sessionWithCookie(stack.origin, cookie);
  const login = () => loginForCookie(stack);

  it('counts the login rate limit on the group: every BFF process shares one count (issue #14, item 12)', async () => {
    await expectOneRateLimitCount(stack.idp, { store: { sentinels: [sentinel.url], name: GROUP }, keyPrefix: `${KEY_PREFIX}rate-limit-test:` });
  });

  // Before the failover below.
  it("ends a user's sessions held by two BFFs", async () => {
    await expectSessionsEndedInTwoBffs(stack, { store: { sentinels: [sentinel.url], name: GROUP }, keyPrefix: KEY_PREFIX });
  });

  it('keeps sessions on the master Sentinel names, and they survive its failover to the replica', async () => {
    const cookies = [await login(), await login()];
    for (const cookie of cookies) expect((await sessionOf(cookie)).body).toMatchObject({ authenticated: true });

    await expectSessionsToSurviveFailover(stack, master, cookies, FAILOVER_MS);
  }, 2 * FAILOVER_MS);
});
