import type { Redis } from 'ioredis';

/** The shared Redis of the test machine; each test file writes under its own key prefix. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Deletes every key matching `pattern` (a test file's prefix followed by `*`). */
export async function deleteKeys(redis: Redis, pattern: string) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
