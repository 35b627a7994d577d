import type { Logger } from '../log.js';
import { MemorySessionStore } from './memory-store.js';
import { RedisSessionStore } from './redis-store.js';
import type { SessionStore } from './store.js';

/** The store a config names; `owned` says whether the BFF made it, and so must close it. */
export function createSessionStore(
  options: { store: 'memory' | string | SessionStore; keyPrefix: string; maxSessions: number },
  logger: Logger,
): { store: SessionStore; owned: boolean } {
  if (typeof options.store !== 'string') return { store: options.store, owned: false };
  if (options.store === 'memory') return { store: new MemorySessionStore({ maxSessions: options.maxSessions }), owned: true };
  return { store: new RedisSessionStore({ url: options.store, keyPrefix: options.keyPrefix, logger }), owned: true };
}
