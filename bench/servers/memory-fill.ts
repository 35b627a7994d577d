import { randomBytes } from 'node:crypto';
import session from 'express-session';
import { createSealer } from '../../bff/crypto/seal.js';
import { newSessionId, sessionKey } from '../../bff/crypto/random.js';
import { MemorySessionStore } from '../../bff/index.js';
import { expressSessionCookie, sessionRecordOf, typicalSessionContent, type SessionContent } from '../fixtures/typical-session.js';
import { BENCH_SECRET, IDLE_TIMEOUT_SECONDS } from './common.js';
import type { Served } from './roles.js';

export interface MemoryFillOptions {
  store: 'bff' | 'express-session';
}

export interface MemoryFill {
  sessions: number;
  bytesPerSession: number;
}

/** Stores one session's content the way each store is used in practice. */
type Put = (content: SessionContent) => Promise<void>;

function bffStore(capacity: number): { put: Put; keep: unknown } {
  const store = new MemorySessionStore({ maxSessions: capacity, sweepIntervalMs: 3_600_000 });
  return { keep: store, put: (content) => store.set(sessionKey(newSessionId()), sessionRecordOf(content), IDLE_TIMEOUT_SECONDS) };
}

function expressSessionStore(): { put: Put; keep: unknown } {
  const store = new session.MemoryStore();
  const cookie = expressSessionCookie();
  return {
    keep: store,
    put: (content) =>
      new Promise<void>((resolve, reject) =>
        // express-session's ids are 24 random bytes, base64url (uid-safe).
        store.set(randomBytes(24).toString('base64url'), { cookie, auth: content }, (error?: Error) => (error ? reject(error) : resolve())),
      ),
  };
}

function settledHeap(): number {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

/**
 * Heap per session of a store holding `count` typical sessions: the heap after
 * filling it, minus the heap before, each after full garbage collections.
 */
export async function startMemoryFill(options: MemoryFillOptions): Promise<Served> {
  if (!globalThis.gc) throw new Error('the memory bench needs --expose-gc');
  const sealer = createSealer([BENCH_SECRET], 'tokens');
  const kept: unknown[] = [];
  return {
    url: '',
    commands: {
      fill: async (count: number): Promise<MemoryFill> => {
        const before = settledHeap();
        const { put, keep } = options.store === 'bff' ? bffStore(count) : expressSessionStore();
        kept.push(keep);
        for (let index = 0; index < count; index++) await put(await typicalSessionContent(index, sealer));
        return { sessions: count, bytesPerSession: (settledHeap() - before) / count };
      },
    },
  };
}
