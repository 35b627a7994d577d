import { startChild } from './children.js';
import { probe, type Contender } from './load.js';

/** The name of the limit contender in every table. */
export const LIMIT = 'bare node:http (the limit)';

/**
 * Runs `use` with the machine's limit for `like`'s request: a bare node:http
 * server (bench/servers/limit.ts) answering exactly `body` to it.
 */
export async function withBareAnswer<T>(like: Contender, body: string, use: (limit: Contender) => Promise<T>): Promise<T> {
  const child = await startChild('bare-answer', { path: like.request.path, body });
  try {
    const limit: Contender = { name: LIMIT, child, request: like.request };
    if ((await probe(limit)).body !== body) throw new Error('the bare server does not answer the same bytes');
    return await use(limit);
  } finally {
    await child.stop();
  }
}
