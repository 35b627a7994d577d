import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionStore, silentLogger } from '../../bff/index.js';
import { sessionKey } from '../../bff/crypto/random.js';
import { expectSessionsToSurviveFailover } from '../support/failover.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginForCookie, sessionWithCookie } from '../support/session-cookie.js';
import { startRedisCluster, type RedisClusterUnderTest } from '../support/redis-cluster.js';
import { expectOneRateLimitCount } from '../support/shared-rate-limit.js';
import { sessionStoreContract } from '../support/store-contract.js';
import { expectSessionsEndedInTwoBffs } from '../support/user-sessions.js';

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

  const sessionOf = (cookie: string) => sessionWithCookie(stack.origin, cookie);
  const login = () => loginForCookie(stack);

  it('counts the login rate limit in the cluster: every BFF process shares one count (issue #14, item 12)', async () => {
    await expectOneRateLimitCount(stack.idp, { store: { cluster: [cluster.urls[1]!] }, keyPrefix: `${KEY_PREFIX}rate-limit-test:` });
  });

  // Before the failover below, which takes a master away for a while.
  it("ends a user's sessions held by two BFFs (each session in its own slot, the user's index in another)", async () => {
    await expectSessionsEndedInTwoBffs(stack, { store: { cluster: [cluster.urls[1]!] }, keyPrefix: KEY_PREFIX });
  });

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
    await expectSessionsToSurviveFailover(stack, victim, cookies, FAILOVER_MS);
  }, 2 * FAILOVER_MS);
});
