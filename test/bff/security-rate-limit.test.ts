/**
 * Issue #8, item 6: one client cannot flush the memory store with its own
 * logins. A login rate limit per client IP on the login and callback routes
 * (429 page with Retry-After and `rate_limited`), counted in Redis when the
 * sessions live there, and replay markers that are never evicted early.
 */
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../bff/index.js';
import { clientKey } from '../../bff/routes/login-rate-limit.js';
import { TEST_SECRET } from '../support/bff.js';
import { TestBrowser } from '../support/browser.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginThrough } from '../support/provider-stack.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';

const stacks: HostileStack[] = [];
async function stackWith(overrides: Parameters<typeof startHostileStack>[0]) {
  const stack = await startHostileStack(overrides);
  stacks.push(stack);
  return stack;
}
afterAll(async () => {
  await Promise.all(stacks.map((stack) => stack.close()));
});

const loginRoute = (stack: HostileStack, headers: Record<string, string> = {}) =>
  fetch(`${stack.origin}/auth/login/bad?returnTo=/`, { redirect: 'manual', headers });

async function expectThrottled(response: Response) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toMatch(/text\/html/);
  expect(await response.text()).toContain('rate_limited');
}

describe('the login rate limit', () => {
  it('is on by default at 30 logins a minute per client IP, and can be turned off', () => {
    const base = { baseUrl: 'http://127.0.0.1:1', secrets: [TEST_SECRET], providers: [{ id: 'x', type: 'github', clientId: 'a', clientSecret: 'b' }] };
    expect(resolveConfig(base).rateLimit).toEqual({ loginsPerMinute: 30 });
    expect(resolveConfig({ ...base, rateLimit: false }).rateLimit).toBe(false);
    expect(() => resolveConfig({ ...base, rateLimit: { loginsPerMinute: 0 } })).toThrow('rateLimit');
  });

  it('answers the login route past the limit with a 429 page and Retry-After; the callback route counts on its own', async () => {
    const stack = await stackWith(() => ({ rateLimit: { loginsPerMinute: 3 } }));
    for (let i = 0; i < 3; i++) expect((await loginRoute(stack)).status).toBe(302);
    await expectThrottled(await loginRoute(stack));
    const callback = `${stack.origin}/auth/callback/bad?code=x&state=${'A'.repeat(32)}`;
    for (let i = 0; i < 3; i++) expect((await fetch(callback, { redirect: 'manual' })).status).toBe(302);
    await expectThrottled(await fetch(callback, { redirect: 'manual' }));
    // Fetch routes are not login routes.
    expect((await fetch(`${stack.origin}/auth/session`, { headers: fetchHeaders })).status).toBe(200);
  });

  it('counts by the client IP that `trust proxy` names, and ignores X-Forwarded-For without it', async () => {
    const trusting = await stackWith(() => ({ rateLimit: { loginsPerMinute: 2 }, server: { trustProxy: 'loopback' } }));
    const from = (ip: string) => loginRoute(trusting, { 'x-forwarded-for': ip });
    expect((await from('203.0.113.7')).status).toBe(302);
    expect((await from('203.0.113.7')).status).toBe(302);
    await expectThrottled(await from('203.0.113.7'));
    expect((await from('203.0.113.8')).status).toBe(302);

    const plain = await stackWith(() => ({ rateLimit: { loginsPerMinute: 2 } }));
    for (const ip of ['198.51.100.1', '198.51.100.2']) expect((await loginRoute(plain, { 'x-forwarded-for': ip })).status).toBe(302);
    await expectThrottled(await loginRoute(plain, { 'x-forwarded-for': '198.51.100.3' }));
  });

  it('counts an IPv6 client by its /64', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
  });

  it('with Redis sessions, every BFF process shares one count', async () => {
    const keyPrefix = `bff-auth-test:rate-limit:${randomBytes(6).toString('hex')}:`;
    // Behind a proxy on loopback, so that each request can say which client it is for.
    const config = () => ({ rateLimit: { loginsPerMinute: 3 }, session: { store: REDIS_URL, keyPrefix }, server: { trustProxy: 'loopback' } });
    const [a, b] = [await stackWith(config), await stackWith(config)];
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const redis = new Redis(REDIS_URL);
    try {
      // Until its Redis connection is up a BFF counts in its own process (the outage fall-back):
      // wait until each one's count of a client of its own shows in Redis.
      for (const [stack, ip] of [[a, '192.0.2.1'], [b, '192.0.2.2']] as const) {
        await vi.waitFor(async () => {
          await loginRoute(stack, from(ip));
          expect(await redis.exists(`${keyPrefix}rate-limit:login:${ip}`)).toBe(1);
        });
      }
      const client = from('198.51.100.7');
      expect((await loginRoute(a, client)).status).toBe(302);
      expect((await loginRoute(b, client)).status).toBe(302);
      expect((await loginRoute(a, client)).status).toBe(302);
      await expectThrottled(await loginRoute(b, client));
    } finally {
      await deleteKeys(redis, `${keyPrefix}*`);
      await redis.quit();
    }
  });
});

describe('replay markers in the memory store', () => {
  it('are not evicted by a flood of logins: a replayed callback stays invalid_state and its code is not redeemed again', async () => {
    const stack = await stackWith(() => ({ session: { maxSessions: 2 } }));
    const browser = new TestBrowser();
    const start = await browser.get(`${stack.origin}/auth/login/bad?returnTo=/first`);
    const callback = (await browser.get(start.headers.get('location') ?? '')).headers.get('location') ?? '';
    const transaction = browser.cookies(stack.origin).find((cookie) => cookie.name.startsWith('bff-auth.tx.'))!;
    expect((await browser.get(callback)).headers.get('location')).toBe('/first');
    for (let i = 0; i < 6; i++) expect((await loginThrough(stack, 'bad')).location).toBe('/home');

    const tokenCalls = stack.idp.requests.filter((request) => request.path === '/token').length;
    const replay = await new TestBrowser().get(callback, { headers: { cookie: `${transaction.name}=${transaction.value}` } });
    expect(replay.headers.get('location')).toBe('/first?auth_error=invalid_state');
    expect(stack.idp.requests.filter((request) => request.path === '/token').length).toBe(tokenCalls);
  });
});
