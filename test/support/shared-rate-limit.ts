import { expect } from 'vitest';
import type { TestBffConfig } from './bff.js';
import type { HostileProvider } from './hostile-provider.js';
import { startBffInFrontOf } from './hostile-stack.js';

/**
 * Two BFFs (two processes, as far as counting goes) in front of `idp` on the session store
 * `session`, with 3 logins a minute: logins alternate between them, and the fourth is the 429,
 * which only a count kept in the shared store can say.
 */
export async function expectOneRateLimitCount(idp: HostileProvider, session: TestBffConfig['session']) {
  const config = { session, rateLimit: { loginsPerMinute: 3 } };
  const bffs = [await startBffInFrontOf(idp, config), await startBffInFrontOf(idp, config)];
  try {
    // Ready as a load balancer sees it: until the store answers, a process counts in its own memory.
    for (const bff of bffs) expect((await fetch(`${bff.origin}/auth/health`)).status).toBe(200);
    const statuses: number[] = [];
    for (const bff of [...bffs, ...bffs]) statuses.push((await fetch(`${bff.origin}/auth/login/bad?returnTo=/`, { redirect: 'manual' })).status);
    expect(statuses).toEqual([302, 302, 302, 429]);
  } finally {
    await Promise.all(bffs.map((bff) => bff.close()));
  }
}
