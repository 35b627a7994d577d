import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemorySessionStore, RedisSessionStore, silentLogger } from '../../bff/index.js';
import { data, nowSeconds, randomKey, sessionStoreContract } from '../support/store-contract.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';

/** The store's tag of a user id (redis-store.ts): 128 bits of its SHA-256, base64url. */
const userTagOf = (userId: string) => createHash('sha256').update(userId).digest().toString('base64url', 0, 16);

const KEY_PREFIX = `bff-auth-test:stores:${randomBytes(6).toString('hex')}:`;

sessionStoreContract('MemorySessionStore', () => new MemorySessionStore());

sessionStoreContract('RedisSessionStore', () => new RedisSessionStore({ connection: REDIS_URL, keyPrefix: KEY_PREFIX, logger: silentLogger }));

describe('MemorySessionStore specifics', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires records by the clock (fake Date)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = new MemorySessionStore();
    try {
      await store.set('key', data(), 1800);
      vi.advanceTimersByTime(1799_000);
      expect(await store.get('key')).toBeDefined();
      vi.advanceTimersByTime(1000);
      expect(await store.get('key')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('is bounded by maxSessions: past it, the oldest write or extension goes', async () => {
    const store = new MemorySessionStore({ maxSessions: 3 });
    try {
      for (const key of ['a', 'b', 'c']) await store.set(key, data(), 60);
      await store.set('a', data({ provider: 'rewritten' }), 60); // a is now the newest write
      await store.touch('b', 120); // then b
      await store.set('d', data(), 60);
      expect(store.size).toBe(3);
      expect(await store.get('c')).toBeUndefined();
      expect((await store.get('a'))?.provider).toBe('rewritten');
      expect(await store.get('b')).toBeDefined();
      expect(await store.get('d')).toBeDefined();

      for (let index = 0; index < 100; index++) await store.set(`flood-${index}`, data(), 60);
      expect(store.size).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('an evicted session is no longer listed or counted for its user', async () => {
    const store = new MemorySessionStore({ maxSessions: 2 });
    try {
      await store.set('a', data(), 60);
      await store.set('b', data(), 60);
      await store.set('c', data({ user: { id: 'dev:bob', provider: 'dev', providerUserId: 'bob' } }), 60); // evicts a
      expect((await store.listByUser('dev:alice')).map(({ ref }) => ref)).toEqual([store.refOf('b')]);
      expect(await store.deleteByUser('dev:alice')).toBe(1);
      expect(await store.get('c')).toBeDefined();
    } finally {
      await store.close();
    }
  });

  it('two users whose ids fall in one index bucket are still listed and ended apart', async () => {
    // The store's bucket of a user id (memory-store.ts): 30 bits of its SHA-256; a pair that shares one turns up within some 10^5 ids.
    const bucketOf = (userId: string) => createHash('sha256').update(userId).digest().readUInt32BE(0) >>> 2;
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let index = 0; !pair; index++) {
      const userId = `user-${index}`;
      const other = seen.get(bucketOf(userId));
      if (other !== undefined) pair = [other, userId];
      seen.set(bucketOf(userId), userId);
    }
    const store = new MemorySessionStore();
    try {
      const [first, second] = pair;
      await store.set('a', data({ user: { id: first, provider: 'dev', providerUserId: 'a' } }), 60);
      await store.set('b', data({ user: { id: second, provider: 'dev', providerUserId: 'b' } }), 60);
      expect((await store.listByUser(first)).map(({ ref }) => ref)).toEqual([store.refOf('a')]);
      expect(await store.deleteByUser(second)).toBe(1);
      expect(await store.get('a')).toBeDefined();
      expect(await store.get('b')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('an evicted session no longer counts for deleteBySid', async () => {
    const store = new MemorySessionStore({ maxSessions: 2 });
    try {
      await store.set('a', data({ sid: 'dev:s1' }), 60);
      await store.set('b', data({ sid: 'dev:s1' }), 60);
      await store.set('c', data(), 60); // evicts a
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
      await store.set('short', data(), 1);
      await store.set('long', data(), 60);
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
    await deleteKeys(redis, `${KEY_PREFIX}*`);
    await redis.quit();
  });

  it('writes only under its key prefix, with a TTL on every key, and no session id or user id in the clear', async () => {
    const store = new RedisSessionStore({ connection: REDIS_URL, keyPrefix: `${KEY_PREFIX}own:`, logger: silentLogger });
    try {
      const key = randomKey();
      await store.set(key, data({ sid: 'dev:s-own', absoluteExpiresAt: nowSeconds() + 120 }), 60);
      await store.claimOnce('tx:own', 60);
      const lock = await store.lock('refresh:own', 60_000);
      const keys = await redis.keys(`${KEY_PREFIX}own:*`);
      expect(keys.sort()).toEqual(
        [`once:{tx:own}`, `session:{${key}}`, `sid:{dev:s-own}`, 'lock:{refresh:own}', `user:{${userTagOf('dev:alice')}}`].map((name) => `${KEY_PREFIX}own:${name}`).sort(),
      );
      expect(keys.join()).not.toContain('alice');
      for (const redisKey of keys) {
        const ttl = await redis.ttl(redisKey);
        expect(ttl, redisKey).toBeGreaterThan(0);
        expect(ttl, redisKey).toBeLessThanOrEqual(120);
      }
      await lock?.release();
      expect(await redis.exists(`${KEY_PREFIX}own:lock:{refresh:own}`)).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('reads and updates a session written by the previous version (the object format), keeping its version and expiry', async () => {
    const store = new RedisSessionStore({ connection: REDIS_URL, keyPrefix: `${KEY_PREFIX}old:`, logger: silentLogger });
    try {
      const key = randomKey();
      const absoluteExpiresAt = nowSeconds() + 3600;
      const text = `{"p":"dev","u":[null,null,0,null,1,null,2],"r":{"sub":"alice","name":"Alice","email":"alice@example.test"},"t":"sealed-tokens","s":"dev:s-old","c":${nowSeconds()},"a":${absoluteExpiresAt}}`;
      const redisKey = `${KEY_PREFIX}old:session:{${key}}`;
      await redis.multi().hset(redisKey, 'v', '3', 'd', text, 's', 'dev:s-old').pexpire(redisKey, 60_000).exec();
      const read = await store.get(key);
      expect(read).toMatchObject({ version: 3, sid: 'dev:s-old', tokens: 'sealed-tokens', absoluteExpiresAt, user: { id: 'dev:alice', name: 'Alice', email: 'alice@example.test' } });
      expect(read?.idleExpiresAt).toBeLessThanOrEqual(nowSeconds() + 60);
      expect(await store.update(key, 3, { ...read!, tokens: 'refreshed' })).toBe(true);
      expect(await store.get(key)).toMatchObject({ version: 4, tokens: 'refreshed', user: { name: 'Alice' } });
    } finally {
      await store.close();
    }
  });

  it('the sid index lives as long as the latest absolute expiry of its sessions, however they slide', async () => {
    const store = new RedisSessionStore({ connection: REDIS_URL, keyPrefix: `${KEY_PREFIX}idx:`, logger: silentLogger });
    try {
      const now = nowSeconds();
      await store.set(randomKey(), data({ sid: 'dev:s-idx', absoluteExpiresAt: now + 600 }), 60);
      await store.set(randomKey(), data({ sid: 'dev:s-idx', absoluteExpiresAt: now + 120 }), 60);
      expect(await redis.ttl(`${KEY_PREFIX}idx:sid:{dev:s-idx}`)).toBeGreaterThan(500);
    } finally {
      await store.close();
    }
  });

  it("a user's index lives as long as the latest absolute expiry of their sessions, and drops entries past theirs", async () => {
    const store = new RedisSessionStore({ connection: REDIS_URL, keyPrefix: `${KEY_PREFIX}uidx:`, logger: silentLogger });
    try {
      const userKey = `${KEY_PREFIX}uidx:user:{${userTagOf('dev:alice')}}`;
      const now = nowSeconds();
      await store.set(randomKey(), data({ createdAt: now - 100, absoluteExpiresAt: now - 1 }), 60);
      await store.set(randomKey(), data({ absoluteExpiresAt: now + 600 }), 60);
      await store.set(randomKey(), data({ absoluteExpiresAt: now + 120 }), 60);
      expect(await redis.zcard(userKey)).toBe(2);
      expect(await redis.ttl(userKey)).toBeGreaterThan(500);
    } finally {
      await store.close();
    }
  });

  it('when Redis is down, get rejects within a few seconds instead of hanging', async () => {
    const logs: string[] = [];
    const store = new RedisSessionStore({
      connection: 'redis://127.0.0.1:1',
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
      await expect(store.ping()).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});
