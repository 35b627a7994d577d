import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { decodeSession } from '../../bff/session/stored-format.js';
import { startHostileProvider, type HostileProvider } from '../../test/support/hostile-provider.js';
import { deleteKeys } from '../../test/support/redis.js';
import type { SessionContent } from '../fixtures/typical-session.js';
import type { BffOptions } from '../servers/bff.js';
import { baselineTree } from './baseline-tree.js';
import { startChild } from './children.js';
import type { LoadSettings } from './load.js';
import { logIn } from './login.js';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What every suite shares: settings, the test provider (in this process), Redis. */
export interface BenchContext {
  quick: boolean;
  load: LoadSettings;
  provider: BffOptions['provider'];
  redis: Redis;
  /** The BFF code the baseline was recorded on, when it differs from the working tree's. */
  baselineTree?: { commit: string; directory: string };
  /** A Redis key prefix of this run, unique per `name`. */
  redisPrefix: (name: string) => string;
  /**
   * What the BFF stores for a user logged in through the test provider, for
   * the peers to serve the same user: read from Redis after a real login.
   */
  referenceContent: () => Promise<SessionContent>;
  close: () => Promise<void>;
}

/** The first JSON value under `prefix` that is a session record (whatever the store's key layout). */
async function storedRecord(redis: Redis, prefix: string): Promise<SessionContent> {
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 100 }) as AsyncIterable<string[]>) {
    for (const key of keys) {
      // The Redis store keeps a session as a hash whose `d` field is the record in its stored format.
      if ((await redis.type(key)) !== 'hash') continue;
      const text = await redis.hget(key, 'd');
      const value = text === null ? undefined : (decodeSession(text) as Partial<SessionContent>);
      if (value?.user && typeof value.tokens === 'string' && value.provider && value.profile) {
        return { provider: value.provider, user: value.user, profile: value.profile, tokens: value.tokens };
      }
    }
  }
  throw new Error(`no session record under ${prefix}`);
}

export async function createBenchContext(options: { quick: boolean; baselineCommit?: string }): Promise<BenchContext> {
  const runPrefix = `bff-auth-bench:${randomBytes(4).toString('hex')}:`;
  const idp: HostileProvider = await startHostileProvider();
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  const provider = { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret };
  const redisPrefix = (name: string) => `${runPrefix}${name}:`;
  let reference: Promise<SessionContent> | undefined;
  const baselineDirectory = options.baselineCommit === undefined ? undefined : await baselineTree(options.baselineCommit);

  return {
    quick: options.quick,
    load: options.quick
      ? { rounds: 3, seconds: 1, warmupSeconds: 0.5, connections: 50 }
      : { rounds: 5, seconds: 2, warmupSeconds: 1, connections: 50 },
    provider,
    ...(baselineDirectory && options.baselineCommit ? { baselineTree: { commit: options.baselineCommit, directory: baselineDirectory } } : {}),
    redis,
    redisPrefix,
    referenceContent: () =>
      (reference ??= (async () => {
        const keyPrefix = redisPrefix('reference');
        const bff = await startChild('bff', { server: 'mounted', store: REDIS_URL, keyPrefix, provider });
        try {
          await logIn(bff.url);
          return await storedRecord(redis, keyPrefix);
        } finally {
          await bff.stop();
        }
      })()),
    async close() {
      await deleteKeys(redis, `${runPrefix}*`);
      redis.disconnect();
      await idp.close();
    },
  };
}
