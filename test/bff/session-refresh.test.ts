import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemorySessionStore, type SessionRecord, type SessionStore } from '../../bff/index.js';
import { createSealer } from '../../bff/crypto/seal.js';
import type { TokenSet } from '../../bff/providers/provider.js';
import { TEST_SECRET } from '../support/bff.js';
import { STARTUP_MS } from '../support/bff-process.js';
import { startHostileProvider, type HostileProvider } from '../support/hostile-provider.js';
import { startBffInFrontOf } from '../support/hostile-stack.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';
import { burst as burstAt, loginWithExpiringToken as loginAt, refreshGrants as grantsOf, startRefreshStormStage, type RefreshStormStage } from '../support/refresh-storm.js';
import { sessionWithCookie, withSessionCookie } from '../support/session-cookie.js';

const KEY_PREFIX = `bff-auth-test:refresh:${randomBytes(6).toString('hex')}:`;

let redis: Redis;
let idp: HostileProvider;
let stage: RefreshStormStage;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  idp = await startHostileProvider();
  stage = await startRefreshStormStage(idp, REDIS_URL, KEY_PREFIX);
}, STARTUP_MS * 2);

afterAll(async () => {
  await stage?.close();
  await idp?.close();
  await deleteKeys(redis, `${KEY_PREFIX}*`);
  await redis.quit();
});

afterEach(() => idp.reset());

const refreshGrants = () => grantsOf(idp);
const loginWithExpiringToken = (origin = stage.processes[0]!.origin) => loginAt(idp, origin);
const burst = (cookie: string, count: number) => burstAt(stage.processes, cookie, count);

describe('token refresh across two BFF processes on one Redis, with rotating refresh tokens', () => {
  it('100 concurrent API calls split across both reach the token endpoint once, and all answer 200', async () => {
    const cookie = await loginWithExpiringToken();
    const before = refreshGrants();
    const statuses = await Promise.all(burst(cookie, 100));
    expect(statuses).toEqual(statuses.map(() => 200));
    expect(refreshGrants() - before).toBe(1);

    // The session lives on at both, with the refreshed token: no further refresh.
    for (const bff of stage.processes) {
      expect((await sessionWithCookie(bff.origin, cookie)).body).toMatchObject({ authenticated: true });
    }
    expect(await Promise.all(burst(cookie, 2))).toEqual([200, 200]);
    expect(refreshGrants() - before).toBe(1);
  });

  it('five sessions refreshing at once, 20 calls each: one refresh per session and no session lost', async () => {
    const cookies: string[] = [];
    for (let index = 0; index < 5; index++) cookies.push(await loginWithExpiringToken());
    const before = refreshGrants();
    const statuses = await Promise.all(cookies.flatMap((cookie) => burst(cookie, 20)));
    expect(statuses).toEqual(statuses.map(() => 200));
    expect(refreshGrants() - before).toBe(5);
    for (const bff of stage.processes) {
      expect(bff.stderr()).not.toContain('tokens.refresh_failed');
    }
  });
});

/**
 * A memory store whose lock never holds anyone off, as when a lock lapses under
 * a slow refresh, and in which "another process" refreshes the session right
 * after a refresh read it under the lock: that refresh's refresh token is spent
 * before it reaches the provider.
 */
function lapsedLockStore(otherProcess: (inner: SessionStore, key: string, record: SessionRecord) => Promise<void>): SessionStore {
  let underLock = false;
  return memoryStoreWith((inner) => ({
    get: async (key) => {
      const record = await inner.get(key);
      if (underLock && record) {
        underLock = false;
        await otherProcess(inner, key, record);
      }
      return record;
    },
    lock: async () => {
      underLock = true;
      return { release: async () => {} };
    },
  }));
}

/** A memory store with some of its methods replaced. */
function memoryStoreWith(replaced: (inner: MemorySessionStore) => Partial<SessionStore>): SessionStore {
  const inner = new MemorySessionStore();
  const store: SessionStore = {
    get: (key) => inner.get(key),
    lock: (name, ttlMs) => inner.lock(name, ttlMs),
    set: (key, data, ttl) => inner.set(key, data, ttl),
    update: (key, version, data) => inner.update(key, version, data),
    touch: (key, ttl) => inner.touch(key, ttl),
    delete: (key) => inner.delete(key),
    deleteBySid: (sid) => inner.deleteBySid(sid),
    refOf: (key) => inner.refOf(key),
    listByUser: (userId) => inner.listByUser(userId),
    deleteByUser: (userId) => inner.deleteByUser(userId),
    deleteRef: (ref) => inner.deleteRef(ref),
    claimOnce: (marker, ttl) => inner.claimOnce(marker, ttl),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return { ...store, ...replaced(inner) };
}

describe('a refresh whose new tokens the store fails to take', () => {
  // The provider has spent the old refresh token: giving up would leave the session with a token it refuses (a failover, a write no replica acknowledged).
  it('stores them once the store answers again: the call answers 200, and the next one needs no refresh', async () => {
    let failures = 0;
    const store = memoryStoreWith((inner) => ({
      update: async (key, version, data) => {
        if (failures < 3) {
          failures++;
          throw new Error('the store is failing over');
        }
        return inner.update(key, version, data);
      },
    }));
    const { bff, origin } = await startBffInFrontOf(idp, { session: { store }, apis: [{ path: '/api/bad', provider: 'bad', target: stage.target, methods: ['GET'] }] });
    try {
      const cookie = await loginWithExpiringToken(origin);
      const before = refreshGrants();
      const call = () => fetch(`${origin}/api/bad/x`, { headers: withSessionCookie(cookie) });
      expect((await call()).status).toBe(200);
      expect(failures).toBe(3);
      expect((await call()).status).toBe(200);
      expect(refreshGrants() - before).toBe(1);
    } finally {
      await bff.close();
    }
  });
});

describe('a refresh the provider refuses', () => {
  it('reads the session again before ending it: tokens another process stored meanwhile win, and the session lives', async () => {
    const sealer = createSealer([TEST_SECRET], 'tokens');
    const store = lapsedLockStore(async (inner, key, record) => {
      const { refresh_token } = await sealer.open<TokenSet>(record.tokens);
      const response = await fetch(`${idp.issuer}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh_token!, client_id: idp.clientId, client_secret: idp.clientSecret }),
      });
      expect(response.status).toBe(200);
      const refreshed = (await response.json()) as TokenSet & { expires_in: number };
      const tokens = await sealer.seal({ ...refreshed, expires_at: Math.floor(Date.now() / 1000) + refreshed.expires_in });
      expect(await inner.update(key, record.version, { ...record, tokens })).toBe(true);
    });
    const { bff, origin } = await startBffInFrontOf(idp, {
      session: { store },
      apis: [{ path: '/api/bad', provider: 'bad', target: stage.target, methods: ['GET'] }],
    });
    try {
      const cookie = await loginWithExpiringToken(origin);
      const before = refreshGrants();
      const call = () => fetch(`${origin}/api/bad/x`, { headers: withSessionCookie(cookie) });

      expect((await call()).status).toBe(200);
      // The other process's refresh, then this one's, which the provider refused.
      expect(refreshGrants() - before).toBe(2);
      expect(bff.logs.lines.filter((line) => line.event === 'tokens.refresh_failed')).toEqual([]);
      expect((await call()).status).toBe(200);
      expect(refreshGrants() - before).toBe(2);
    } finally {
      await bff.close();
    }
  });
});
