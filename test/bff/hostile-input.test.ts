import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHeaders } from '../support/dev-stack.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginThrough } from '../support/provider-stack.js';

let stack: HostileStack;
beforeAll(async () => {
  stack = await startHostileStack();
});
afterAll(() => stack.close());

// Deterministic garbage: every run sends the same requests, so a failure can be replayed.
let seed = 20261125;
const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
const pick = <T,>(items: readonly T[]) => items[next() % items.length]!;
const NASTY = ['', '%', '%E0%A4%A', '%00', '\u0000', '..', '/../', '//evil.example', '\\', '<script>', 'A'.repeat(32), 'a'.repeat(5000), '💥', '[]', '{"a":1}', '=', '&', '#', '?'];
const garbage = () => (next() % 3 === 0 ? randomBytes(next() % 64).toString('base64url') : pick(NASTY));

describe('garbage in never gets a 5xx', () => {
  it('300 requests of random paths, parameters, cookies and methods against every route', async () => {
    const routes = ['/auth/login/bad', '/auth/login/', '/auth/callback/bad', '/auth/callback/x', '/auth/session', '/auth/logout', '/auth/providers', '/auth/backchannel-logout/bad', '/auth/%E0%A4%A'];
    const params = ['code', 'state', 'iss', 'error', 'returnTo', 'slide', 'logout_token'];
    const cookies = ['bff-auth', `bff-auth.tx.${'A'.repeat(32)}`, '__Host-bff-auth', 'other'];
    const statuses = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const query = Array.from({ length: next() % 4 }, () => `${pick(params)}=${encodeURIComponent(garbage())}`).join('&');
      const headers: Record<string, string> = { cookie: `${pick(cookies)}=${encodeURIComponent(garbage())}` };
      if (next() % 2) Object.assign(headers, fetchHeaders);
      const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'HEAD']);
      const body = method === 'POST' ? `logout_token=${encodeURIComponent(garbage())}` : undefined;
      if (body) headers['content-type'] = pick(['application/x-www-form-urlencoded', 'application/json', 'text/plain']);
      const response = await fetch(`${stack.origin}${pick(routes)}?${query}`, { method, headers, body, redirect: 'manual' });
      await response.arrayBuffer();
      statuses.add(response.status);
      expect(response.status, `${method} ${response.url}`).toBeLessThan(500);
    }
    expect([...statuses]).toEqual(expect.arrayContaining([302, 400, 403, 404, 405])); // the garbage reached every kind of handler
  });
});

describe('a session store that is down', () => {
  it('ends a login with auth_error=session_store_unavailable, not a 500 or a hang', async () => {
    const down = await startHostileStack(() => ({ session: { store: 'redis://127.0.0.1:1' } }));
    try {
      const result = await loginThrough(down, 'bad');
      expect(result).toMatchObject({ status: 302, location: '/home?auth_error=session_store_unavailable' });
    } finally {
      await down.close();
    }
  });
});
