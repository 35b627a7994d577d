import { expect, vi } from 'vitest';
import type { HostileStack } from './hostile-stack.js';
import type { RedisServer } from './redis-server.js';
import { loginForCookie, sessionWithCookie } from './session-cookie.js';

/**
 * Kills `master` once its replica has all it wrote, then expects the BFF of
 * `stack` to find every one of `cookies`' sessions again within `timeoutMs`,
 * and to write new ones to the promoted replica.
 */
export async function expectSessionsToSurviveFailover(stack: HostileStack, master: RedisServer, cookies: string[], timeoutMs: number) {
  const direct = master.client();
  // Replication is asynchronous: wait until the replica has what the master wrote, as a quiet moment in production would.
  expect(await direct.call('WAIT', '1', '5000')).toBe(1);
  direct.disconnect();
  await master.kill();

  await vi.waitFor(async () => expect((await sessionWithCookie(stack.origin, cookies[0]!)).status).toBe(200), { timeout: timeoutMs, interval: 250 });
  for (const cookie of cookies) expect(await sessionWithCookie(stack.origin, cookie)).toMatchObject({ status: 200, body: { authenticated: true } });
  expect((await sessionWithCookie(stack.origin, await loginForCookie(stack))).body).toMatchObject({ authenticated: true });
  expect((await fetch(`${stack.origin}/auth/health`)).status).toBe(200);
}
