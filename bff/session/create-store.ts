import type { Logger } from '../log.js';
import { MemorySessionStore } from './memory-store.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisSessionStore } from './redis-store.js';
import type { SessionStore } from './store.js';

/**
 * The store a config names (`'memory'`, a Redis connection, or a store of the app's own);
 * `owned` says whether the BFF made it, and so must close it.
 */
export function createSessionStore(
  options: { store: RedisConnection | SessionStore; keyPrefix: string; maxSessions: number },
  logger: Logger,
): { store: SessionStore; owned: boolean } {
  const { store } = options;
  if (store === 'memory') return { store: new MemorySessionStore({ maxSessions: options.maxSessions }), owned: true };
  if (typeof store === 'string' || 'cluster' in store || 'sentinels' in store) {
    return { store: new RedisSessionStore({ connection: store, keyPrefix: options.keyPrefix, logger }), owned: true };
  }
  return { store, owned: false };
}
