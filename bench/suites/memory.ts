import { RedisStore } from 'connect-redis';
import type { Redis } from 'ioredis';
import { createClient } from 'redis';
import { newSessionId, sessionKey } from '../../bff/crypto/random.js';
import { createSealer } from '../../bff/crypto/seal.js';
import { RedisSessionStore } from '../../bff/index.js';
import { encodeSession } from '../../bff/session/stored-format.js';
import { expressSessionCookie, sessionRecordOf, typicalSessionContent, type SessionContent } from '../fixtures/typical-session.js';
import { startChild } from '../harness/children.js';
import { REDIS_URL, type BenchContext } from '../harness/context.js';
import { bytes, type SuiteResult } from '../harness/results.js';
import { spread } from '../harness/stats.js';
import { BENCH_SECRET, IDLE_TIMEOUT_SECONDS } from '../servers/common.js';
import type { MemoryFill, MemoryFillOptions } from '../servers/memory-fill.js';

const REDIS_SESSIONS = 200;

async function heapPerSession(store: MemoryFillOptions['store'], count: number): Promise<MemoryFill> {
  const child = await startChild('memory-fill', { store });
  try {
    return await child.call<MemoryFill>('fill', count);
  } finally {
    await child.stop();
  }
}

/** MEMORY USAGE of every key whose name holds one of `ids`, summed per id; those keys are then deleted. */
async function redisBytesPerSession(redis: Redis, ids: readonly string[]): Promise<number[]> {
  const wanted = new Set(ids);
  const perId = new Map<string, number>();
  const found: string[] = [];
  for await (const keys of redis.scanStream({ count: 1000 }) as AsyncIterable<string[]>) {
    for (const key of keys) {
      const id = ids.length > 0 ? [...key.matchAll(/[A-Za-z0-9_-]{32,}/g)].map(([match]) => match).find((match) => wanted.has(match)) : undefined;
      if (id === undefined) continue;
      found.push(key);
      perId.set(id, (perId.get(id) ?? 0) + Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')));
    }
  }
  if (found.length > 0) await redis.del(...found);
  if (perId.size !== ids.length) throw new Error(`found the keys of ${perId.size} of ${ids.length} sessions in Redis`);
  return [...perId.values()];
}

async function redisFigures(redis: Redis, contents: readonly SessionContent[]) {
  const ours = new RedisSessionStore({ connection: REDIS_URL });
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  const theirs = new RedisStore({ client });
  const cookie = expressSessionCookie();
  try {
    const ourIds = contents.map(() => sessionKey(newSessionId()));
    const theirIds = contents.map(() => newSessionId());
    await Promise.all(contents.map((content, index) => ours.set(ourIds[index] ?? '', sessionRecordOf(content), IDLE_TIMEOUT_SECONDS)));
    await Promise.all(contents.map((content, index) => theirs.set(theirIds[index] ?? '', { cookie, auth: content })));
    return { ours: spread(await redisBytesPerSession(redis, ourIds)), theirs: spread(await redisBytesPerSession(redis, theirIds)) };
  } finally {
    await ours.close();
    await client.quit();
  }
}

/** Heap per session in the memory stores, and Redis bytes per session, for a typical user with opaque tokens. */
export async function memoryBench(context: BenchContext): Promise<SuiteResult> {
  const count = context.quick ? 20_000 : 100_000;
  const [ours, theirs] = await Promise.all([heapPerSession('bff', count), heapPerSession('express-session', count)]);
  const sealer = createSealer([BENCH_SECRET], 'tokens');
  const contents = await Promise.all(Array.from({ length: REDIS_SESSIONS }, (_, index) => typicalSessionContent(index, sealer)));
  const redis = await redisFigures(context.redis, contents);
  const record = sessionRecordOf(contents[0] as SessionContent);
  const [recordBytes, storedBytes] = [JSON.stringify(record).length, encodeSession(record).length];
  return {
    figures: [
      { id: 'memory-heap', label: `Heap per session, memory store, ${count.toLocaleString('en-US')} sessions`, value: ours.bytesPerSession, unit: 'B', goal: { atMost: 1000 } },
      { id: 'memory-vs-express-session', label: 'Heap per session: express-session MemoryStore / bff-auth memory store', value: theirs.bytesPerSession / ours.bytesPerSession, unit: 'x', chart: true },
      { id: 'redis-bytes', label: 'Redis MEMORY USAGE per session', value: redis.ours.median, unit: 'B', goal: { atMost: 1000 } },
    ],
    sections: [
      {
        title: 'Memory per session',
        method:
          `A typical user (OIDC profile of 6 claims: sub, name, preferred_username, email, email_verified, picture; opaque 43-character access and refresh tokens, sealed; the BFF's record is ${recordBytes} B as plain JSON, ${storedBytes} B in the stores' format, bff/session/stored-format.ts). ` +
          `Heap: ${count.toLocaleString('en-US')} sessions put into each memory store in its own process, \`heapUsed\` after full GCs minus before, divided by the count; ` +
          `express-session's MemoryStore holds the same content under a 24-byte id with its cookie. Redis: ${REDIS_SESSIONS} sessions written by each store with its ` +
          'default key prefix, `MEMORY USAGE key SAMPLES 0` summed over the keys of each session (median and range).',
        head: ['store', 'bytes per session', 'range'],
        rows: [
          ['bff-auth MemorySessionStore (heap)', bytes(ours.bytesPerSession), ''],
          ['express-session MemoryStore (heap)', bytes(theirs.bytesPerSession), ''],
          ['bff-auth RedisSessionStore (MEMORY USAGE)', bytes(redis.ours.median), `${bytes(redis.ours.min)}-${bytes(redis.ours.max)}`],
          ['connect-redis (MEMORY USAGE)', bytes(redis.theirs.median), `${bytes(redis.theirs.min)}-${bytes(redis.theirs.max)}`],
        ],
      },
    ],
  };
}
