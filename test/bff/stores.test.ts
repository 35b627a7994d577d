import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemorySessionStore, RedisSessionStore, silentLogger, type SessionRecord, type SessionStore } from '../../bff/index.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const KEY_PREFIX = `bff-auth-test:stores:${randomBytes(6).toString('hex')}:`;

const randomKey = () => randomBytes(16).toString('base64url');

function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Math.floor(Date.now() / 1000);
  return {
    provider: 'dev',
    user: { id: 'dev:alice', provider: 'dev', providerUserId: 'alice', name: 'Alice', email: 'alice@example.test' },
    profile: { sub: 'alice', groups: ['admins', 'users'] },
    tokens: 'sealed-tokens',
    createdAt: now,
    idleExpiresAt: now + 1800,
    absoluteExpiresAt: now + 86_400,
    ...overrides,
  };
}

/**
 * What every SessionStore must do, whichever backs it. Written once and run
 * against each implementation. Keys and sids are fresh per test, so one store
 * per implementation serves every test.
 */
function sessionStoreContract(name: string, open: () => SessionStore) {
  describe(`${name}: the SessionStore contract`, () => {
    let store: SessionStore;
    beforeAll(() => {
      store = open();
    });
    afterAll(() => store.close());

    it('get answers undefined for a key never set', async () => {
      expect(await store.get(randomKey())).toBeUndefined();
    });

    it('set then get answers an equal record; delete removes it', async () => {
      const key = randomKey();
      const value = record({ sid: `dev:${randomKey()}` });
      await store.set(key, value, 60);
      expect(await store.get(key)).toEqual(value);
      await store.delete(key);
      expect(await store.get(key)).toBeUndefined();
    });

    it('set on an existing key replaces the record', async () => {
      const key = randomKey();
      await store.set(key, record(), 60);
      await store.set(key, record({ user: { id: 'dev:bob', provider: 'dev', providerUserId: 'bob' } }), 60);
      expect((await store.get(key))?.user.id).toBe('dev:bob');
    });

    it('delete of a key never set is fine', async () => {
      await expect(store.delete(randomKey())).resolves.toBeUndefined();
    });

    it('keeps records apart by key', async () => {
      const [a, b] = [randomKey(), randomKey()];
      await store.set(a, record(), 60);
      await store.set(b, record({ provider: 'other' }), 60);
      await store.delete(a);
      expect(await store.get(a)).toBeUndefined();
      expect((await store.get(b))?.provider).toBe('other');
    });

    it('forgets a record once its TTL has passed, and keeps one whose TTL has not', async () => {
      const [short, long] = [randomKey(), randomKey()];
      await store.set(short, record(), 1);
      await store.set(long, record(), 60);
      expect(await store.get(short)).toBeDefined();
      await sleep(1100);
      expect(await store.get(short)).toBeUndefined();
      expect(await store.get(long)).toBeDefined();
    });

    it('a later set with a longer TTL extends the record (sliding sessions)', async () => {
      const key = randomKey();
      await store.set(key, record(), 1);
      await store.set(key, record(), 60);
      await sleep(1100);
      expect(await store.get(key)).toBeDefined();
    });

    it('deleteBySid removes every session with that sid, answers how many, and leaves others alone', async () => {
      const sid = `dev:${randomKey()}`;
      const otherSid = `dev:${randomKey()}`;
      const [a, b, c, d] = [randomKey(), randomKey(), randomKey(), randomKey()];
      await store.set(a, record({ sid }), 60);
      await store.set(b, record({ sid }), 120);
      await store.set(c, record({ sid: otherSid }), 60);
      await store.set(d, record(), 60);

      expect(await store.deleteBySid(sid)).toBe(2);
      expect(await store.get(a)).toBeUndefined();
      expect(await store.get(b)).toBeUndefined();
      expect(await store.get(c)).toBeDefined();
      expect(await store.get(d)).toBeDefined();
      expect(await store.deleteBySid(sid)).toBe(0);
    });

    it('deleteBySid does not count a session already deleted', async () => {
      const sid = `dev:${randomKey()}`;
      const [a, b] = [randomKey(), randomKey()];
      await store.set(a, record({ sid }), 60);
      await store.set(b, record({ sid }), 60);
      await store.delete(a);

      expect(await store.deleteBySid(sid)).toBe(1);
      expect(await store.get(b)).toBeUndefined();
    });

    it('deleteBySid does not count a session that has already expired', async () => {
      const sid = `dev:${randomKey()}`;
      const [expiring, live] = [randomKey(), randomKey()];
      await store.set(expiring, record({ sid }), 1);
      await store.set(live, record({ sid }), 60);
      await sleep(1100);
      expect(await store.deleteBySid(sid)).toBe(1);
      expect(await store.get(live)).toBeUndefined();
    });

    it('deleteBySid of an unknown sid answers 0', async () => {
      expect(await store.deleteBySid(`dev:${randomKey()}`)).toBe(0);
    });

    it('claimOnce answers true the first time and false after, per marker', async () => {
      const [marker, other] = [`tx:${randomKey()}`, `tx:${randomKey()}`];
      expect(await store.claimOnce(marker, 60)).toBe(true);
      expect(await store.claimOnce(marker, 60)).toBe(false);
      expect(await store.claimOnce(marker, 60)).toBe(false);
      expect(await store.claimOnce(other, 60)).toBe(true);
    });

    it('concurrent claimOnce of one marker: exactly one wins', async () => {
      const marker = `tx:${randomKey()}`;
      const results = await Promise.all(Array.from({ length: 10 }, () => store.claimOnce(marker, 60)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('a claimOnce marker can be claimed again once its TTL has passed', async () => {
      const marker = `tx:${randomKey()}`;
      expect(await store.claimOnce(marker, 1)).toBe(true);
      await sleep(1100);
      expect(await store.claimOnce(marker, 1)).toBe(true);
    });

    it('claimOnce markers and sessions do not collide', async () => {
      const key = randomKey();
      expect(await store.claimOnce(key, 60)).toBe(true);
      expect(await store.get(key)).toBeUndefined();
      await store.set(key, record(), 60);
      expect(await store.claimOnce(key, 60)).toBe(false);
      expect(await store.get(key)).toBeDefined();
    });

    it('records are copies: changing one given to set or answered by get does not change the store', async () => {
      const key = randomKey();
      const written = record();
      await store.set(key, written, 60);
      written.user.name = 'Mallory';
      written.idleExpiresAt = 0;

      const read = await store.get(key);
      expect(read?.user.name).toBe('Alice');
      if (!read) return;
      read.user.name = 'Eve';
      (read.profile.groups as string[]).push('root');
      read.absoluteExpiresAt = 0;

      const again = await store.get(key);
      expect(again?.user.name).toBe('Alice');
      expect(again?.profile.groups).toEqual(['admins', 'users']);
      expect(again?.absoluteExpiresAt).toBeGreaterThan(0);
      expect(again?.idleExpiresAt).toBeGreaterThan(0);
    });
  });
}

sessionStoreContract('MemorySessionStore', () => new MemorySessionStore());

sessionStoreContract('RedisSessionStore', () => new RedisSessionStore({ url: REDIS_URL, keyPrefix: KEY_PREFIX, logger: silentLogger }));

describe('MemorySessionStore specifics', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires records by the clock (fake Date)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = new MemorySessionStore();
    try {
      await store.set('key', record(), 1800);
      vi.advanceTimersByTime(1799_000);
      expect(await store.get('key')).toBeDefined();
      vi.advanceTimersByTime(1000);
      expect(await store.get('key')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('is bounded by maxSessions: past it, the oldest write goes', async () => {
    const store = new MemorySessionStore({ maxSessions: 3 });
    try {
      for (const key of ['a', 'b', 'c']) await store.set(key, record(), 60);
      await store.set('a', record({ provider: 'rewritten' }), 60); // a is now the newest write
      await store.set('d', record(), 60);
      expect(store.size).toBe(3);
      expect(await store.get('b')).toBeUndefined();
      expect((await store.get('a'))?.provider).toBe('rewritten');
      expect(await store.get('c')).toBeDefined();
      expect(await store.get('d')).toBeDefined();

      for (let index = 0; index < 100; index++) await store.set(`flood-${index}`, record(), 60);
      expect(store.size).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('an evicted session no longer counts for deleteBySid', async () => {
    const store = new MemorySessionStore({ maxSessions: 2 });
    try {
      await store.set('a', record({ sid: 'dev:s1' }), 60);
      await store.set('b', record({ sid: 'dev:s1' }), 60);
      await store.set('c', record(), 60); // evicts a
      expect(await store.deleteBySid('dev:s1')).toBe(1);
      expect(await store.get('b')).toBeUndefined();
      expect(await store.get('c')).toBeDefined();
    } finally {
      await store.close();
    }
  });

  it('sweeps expired records without a read, so they do not hold memory', async () => {
    vi.useFakeTimers();
    const store = new MemorySessionStore({ sweepIntervalMs: 1000 });
    try {
      await store.set('short', record(), 1);
      await store.set('long', record(), 60);
      expect(store.size).toBe(2);
      await vi.advanceTimersByTimeAsync(2000);
      expect(store.size).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describe('RedisSessionStore specifics', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  });

  it('writes only under its key prefix, with a TTL on every key, and no session id in the clear', async () => {
    const store = new RedisSessionStore({ url: REDIS_URL, keyPrefix: `${KEY_PREFIX}own:`, logger: silentLogger });
    try {
      const key = randomKey();
      await store.set(key, record({ sid: 'dev:s-own' }), 60);
      await store.claimOnce('tx:own', 60);
      const keys = await redis.keys(`${KEY_PREFIX}own:*`);
      expect(keys.sort()).toEqual([`${KEY_PREFIX}own:once:tx:own`, `${KEY_PREFIX}own:session:${key}`, `${KEY_PREFIX}own:sid:dev:s-own`].sort());
      for (const redisKey of keys) {
        const ttl = await redis.ttl(redisKey);
        expect(ttl, redisKey).toBeGreaterThan(0);
        expect(ttl, redisKey).toBeLessThanOrEqual(60);
      }
    } finally {
      await store.close();
    }
  });

  it('the sid index lives as long as its longest-lived session', async () => {
    const store = new RedisSessionStore({ url: REDIS_URL, keyPrefix: `${KEY_PREFIX}idx:`, logger: silentLogger });
    try {
      await store.set(randomKey(), record({ sid: 'dev:s-idx' }), 600);
      await store.set(randomKey(), record({ sid: 'dev:s-idx' }), 60);
      expect(await redis.ttl(`${KEY_PREFIX}idx:sid:dev:s-idx`)).toBeGreaterThan(500);
    } finally {
      await store.close();
    }
  });

  it('when Redis is down, get rejects within a few seconds instead of hanging', async () => {
    const logs: string[] = [];
    const store = new RedisSessionStore({
      url: 'redis://127.0.0.1:1',
      keyPrefix: KEY_PREFIX,
      logger: { ...silentLogger, error: (event) => logs.push(event) },
    });
    try {
      const started = Date.now();
      const outcome = await Promise.race([
        store.get(randomKey()).then(
          () => 'resolved',
          () => 'rejected',
        ),
        sleep(10_000).then(() => 'hung'),
      ]);
      expect(outcome).toBe('rejected');
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(logs).toContain('session_store.error');
    } finally {
      await store.close();
    }
  });
});
