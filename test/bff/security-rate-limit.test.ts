/**
 * Issue #8, item 6: one client cannot flush the memory store with its own
 * logins. A login rate limit per client IP on the login and callback routes
 * (429 page with Retry-After and `rate_limited`), counted in Redis when the
 * sessions live there, and replay markers that are never evicted early.
 * Issue #14, items 4 to 6: another page cannot spend the quota, a proxy that is
 * not trusted is named in the log, and no client names its own bucket.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, createAuthBff, resolveConfig } from '../../bff/index.js';
import { clientKey } from '../../bff/routes/login-rate-limit.js';
import { recordingLogger, TEST_SECRET } from '../support/bff.js';
import { TestBrowser } from '../support/browser.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { runs, URL_PIECES } from '../support/fuzz.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginThrough } from '../support/provider-stack.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';
import { expectOneRateLimitCount } from '../support/shared-rate-limit.js';

const running: Array<{ close: () => Promise<void> }> = [];
async function stackWith(overrides: Parameters<typeof startHostileStack>[0]) {
  const stack = await startHostileStack(overrides);
  running.push(stack);
  return stack;
}
afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
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

  it('with Redis sessions and Redis down, the limit still holds, counted in this process', async () => {
    // Starting a login needs no session store: only the count would have been in Redis.
    const stack = await stackWith(() => ({ rateLimit: { loginsPerMinute: 3 }, session: { store: 'redis://127.0.0.1:1' } }));
    for (let i = 0; i < 3; i++) expect((await loginRoute(stack)).status).toBe(302);
    await expectThrottled(await loginRoute(stack));
  });

  it('with Redis sessions, every BFF process shares one count', async () => {
    const keyPrefix = `bff-auth-test:rate-limit:${randomBytes(6).toString('hex')}:`;
    const stack = await stackWith(() => ({}));
    try {
      await expectOneRateLimitCount(stack.idp, { store: REDIS_URL, keyPrefix });
    } finally {
      const redis = new Redis(REDIS_URL);
      await deleteKeys(redis, `${keyPrefix}*`);
      await redis.quit();
    }
  });
});

/** A BFF's router mounted in an app of the test's own, with `trust proxy` as the app sets it. */
async function mounted(trustProxy: boolean | undefined) {
  const logs = recordingLogger();
  const auth = createAuthBff({
    baseUrl: 'http://127.0.0.1:1',
    secrets: [TEST_SECRET],
    logger: logs,
    providers: [{ id: 'x', type: 'github', clientId: 'a', clientSecret: 'b' }],
  });
  const app = express();
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  const server = app.use(auth.router).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  running.push({
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await auth.close();
    },
  });
  return { origin, logs };
}

const warningsIn = (logs: ReturnType<typeof recordingLogger>, event: string) => logs.lines.filter((line) => line.event === event);

describe('issue #14, item 5: behind a proxy without `trust proxy`, the BFF says so', () => {
  it('warns once, with what to set, when forwarded headers arrive while trust proxy is off: the standalone server', async () => {
    const stack = await stackWith(() => ({}));
    for (const headers of [{ 'x-forwarded-for': '198.51.100.1' }, { forwarded: 'for=198.51.100.2' }, { 'x-forwarded-for': '198.51.100.3' }] as Array<Record<string, string>>) {
      expect((await loginRoute(stack, headers)).status).toBe(302);
    }
    const [warning, ...more] = warningsIn(stack.bff.logs, 'rate_limit.proxy_not_trusted');
    expect(more).toEqual([]);
    expect(warning).toMatchObject({ level: 'warn' });
    expect(String(warning!.fix)).toMatch(/server\.trustProxy.*number of proxies.*never true/);
  });

  it('warns once for a mounted router (Forwarded alone will do), not when trust proxy names the proxy, and says when it is true', async () => {
    const off = await mounted(undefined);
    expect((await fetch(`${off.origin}/auth/login/x`, { headers: { forwarded: 'for=198.51.100.9' }, redirect: 'manual' })).status).toBeLessThan(500);
    expect((await fetch(`${off.origin}/auth/login/x`, { headers: { forwarded: 'for=198.51.100.9' }, redirect: 'manual' })).status).toBeLessThan(500);
    expect(warningsIn(off.logs, 'rate_limit.proxy_not_trusted')).toHaveLength(1);

    const blind = await mounted(true);
    await fetch(`${blind.origin}/auth/login/x`, { headers: { 'x-forwarded-for': '198.51.100.9' }, redirect: 'manual' });
    expect(warningsIn(blind.logs, 'rate_limit.proxy_trusted_blindly')).toHaveLength(1);
    expect(warningsIn(blind.logs, 'rate_limit.proxy_not_trusted')).toEqual([]);

    const trusting = await stackWith(() => ({ server: { trustProxy: 'loopback' } }));
    await loginRoute(trusting, { 'x-forwarded-for': '198.51.100.9' });
    expect(trusting.bff.logs.lines.filter((line) => String(line.event).startsWith('rate_limit.proxy'))).toEqual([]);
  });

  it('names the bucket (a hash of its key, not the address) in rate_limit.exceeded', async () => {
    const stack = await stackWith(() => ({ rateLimit: { loginsPerMinute: 1 }, server: { trustProxy: 'loopback' } }));
    const from = (ip: string) => loginRoute(stack, { 'x-forwarded-for': ip });
    for (const ip of ['203.0.113.1', '203.0.113.1', '203.0.113.2', '203.0.113.2', '203.0.113.1']) await from(ip);
    const buckets = warningsIn(stack.bff.logs, 'rate_limit.exceeded').map((line) => line.bucket);
    expect(buckets).toHaveLength(3);
    expect(buckets[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(buckets[1]).not.toBe(buckets[0]);
    expect(buckets[2]).toBe(buckets[0]);
    expect(stack.bff.logs.text()).not.toContain('203.0.113');
  });
});

/** What proxies and clients put in X-Forwarded-For: addresses with ports, brackets and zones, and anything else. */
const FORWARDED_VALUES = fc
  .oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.tuple(fc.ipV4(), fc.nat(65_535)).map(([ip, port]) => `${ip}:${port}`),
    fc.tuple(fc.ipV6(), fc.nat(65_535)).map(([ip, port]) => `[${ip}]:${port}`),
    fc.ipV6().map((ip) => `${ip}%eth0`),
    fc.ipV4().map((ip) => `::ffff:${ip}`),
    fc.string({ maxLength: 80 }),
    fc.array(fc.constantFrom(...URL_PIECES), { maxLength: 8 }).map((pieces) => pieces.join('')),
    fc.constant('x'.repeat(8000)),
  )
  .map((value) => value.replace(/[^\x20-\x7e]/g, ''));
const BOUNDED_KEY = /^(not-an-ip|\d{1,3}(\.\d{1,3}){3}|[0-9a-f]{1,4}(:[0-9a-f]{1,4}){3}::\/64)$/;

describe('issue #14, item 6: clients cannot pick their own bucket', () => {
  it('refuses trustProxy: true (and every-address ranges, and what is no address) with a ConfigError naming the field and the reason', () => {
    const base = { baseUrl: 'http://127.0.0.1:1', secrets: [TEST_SECRET], providers: [{ id: 'x', type: 'github', clientId: 'a', clientSecret: 'b' }] };
    const withTrust = (trustProxy: unknown) => () => resolveConfig({ ...base, server: { trustProxy } });
    expect(withTrust(true)).toThrow(ConfigError);
    expect(withTrust(true)).toThrow(/server\.trustProxy: true would believe any X-Forwarded-For, so every client could pick its own rate-limit bucket; give the number of proxies/);
    for (const everyone of ['0.0.0.0/0', '::/0', '10.0.0.1, 0.0.0.0/0.0.0.0', ['::1', '::/0']]) expect(withTrust(everyone)).toThrow(/server\.trustProxy: .*trusts every address/);
    for (const bad of ['true', 'nope', '', '10.0.0.1/33', ['10.0.0.1', 'proxy.internal']]) expect(withTrust(bad)).toThrow(/server\.trustProxy: /);
    for (const good of [false, 0, 1, 2, 'loopback', '10.0.0.2', '10.0.0.0/8', '10.0.0.0/255.0.0.0', 'loopback, 10.0.0.2', ['uniquelocal', 'fd00::/8']]) {
      expect(resolveConfig({ ...base, server: { trustProxy: good } }).server.trustProxy).toEqual(good);
    }
  });

  it("property: whatever X-Forwarded-For says through a trusted proxy, the Redis keys are bounded and never the client's string", async () => {
    const keyPrefix = `bff-auth-test:rate-limit-keys:${randomBytes(6).toString('hex')}:`;
    const stack = await stackWith(() => ({ session: { store: REDIS_URL, keyPrefix }, server: { trustProxy: 'loopback' } }));
    const redis = new Redis(REDIS_URL);
    try {
      await fc.assert(
        fc.asyncProperty(FORWARDED_VALUES, async (forwarded) => {
          expect((await loginRoute(stack, { 'x-forwarded-for': forwarded })).status).toBe(302);
        }),
        { numRuns: runs(150) },
      );
      const keys = await redis.keys(`${keyPrefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      const clients = keys.map((key) => key.slice(`${keyPrefix}rate-limit:login:`.length));
      expect(clients.filter((client) => !BOUNDED_KEY.test(client))).toEqual([]);
    } finally {
      await deleteKeys(redis, `${keyPrefix}*`);
      await redis.quit();
    }
  });

  it('property: a client key is an IPv4 address, an IPv6 /64 or one fixed key, at most 24 characters', () => {
    fc.assert(
      fc.property(FORWARDED_VALUES, (forwarded) => {
        const key = clientKey(forwarded);
        expect(key.length).toBeLessThanOrEqual(24);
        expect(key).toMatch(BOUNDED_KEY);
      }),
      { numRuns: runs(2000) },
    );
  });

  it('counts an address the same with or without a port, and everything that is not an IP as one client', async () => {
    const stack = await stackWith(() => ({ rateLimit: { loginsPerMinute: 2 }, server: { trustProxy: 'loopback' } }));
    const from = (forwarded: string) => loginRoute(stack, { 'x-forwarded-for': forwarded });
    expect((await from('203.0.113.7:1111')).status).toBe(302);
    expect((await from('203.0.113.7:2222')).status).toBe(302);
    await expectThrottled(await from('203.0.113.7'));
    expect((await from('[2001:db8:1:2::1]:443')).status).toBe(302);
    expect((await from('2001:db8:1:2::2')).status).toBe(302);
    await expectThrottled(await from('[2001:db8:1:2::3%eth0]:8443'));
    expect((await from('client-a')).status).toBe(302);
    expect((await from('client-b')).status).toBe(302);
    await expectThrottled(await from('x'.repeat(8000)));
  });
});

/** Fetch's request destinations (https://fetch.spec.whatwg.org/#concept-request-destination) besides `document`, and anything else. */
const NOT_A_TOP_LEVEL_NAVIGATION = fc.oneof(
  fc.constantFrom('', 'empty', 'image', 'script', 'style', 'font', 'iframe', 'frame', 'embed', 'object', 'audio', 'video', 'track', 'worker', 'sharedworker', 'serviceworker', 'manifest', 'report', 'xslt', 'audioworklet', 'paintworklet', 'webidentity', 'Document', 'documents'),
  fc.stringMatching(/^[\x21-\x7e]{1,20}$/).filter((value) => value !== 'document'),
);

describe('issue #14, item 4: another page cannot spend the login quota', () => {
  it('property: login and callback refuse what the browser marks as no top-level navigation with 403 csrf_required, before the rate limit counts it', async () => {
    const stack = await stackWith(() => ({ rateLimit: { loginsPerMinute: 3 } }));
    const routes = [
      { method: 'GET', path: '/auth/login/bad?returnTo=/' },
      { method: 'GET', path: '/auth/login/x' },
      { method: 'GET', path: `/auth/callback/bad?code=x&state=${'A'.repeat(32)}` },
      { method: 'POST', path: '/auth/callback/bad' },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), NOT_A_TOP_LEVEL_NAVIGATION, async ({ method, path }, destination) => {
        const response = await fetch(`${stack.origin}${path}`, {
          method,
          redirect: 'manual',
          headers: { 'sec-fetch-dest': destination, 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
          body: method === 'POST' ? `code=x&state=${'A'.repeat(32)}` : undefined,
        });
        expect(response.status, destination).toBe(403);
        expect(await response.json()).toMatchObject({ error: 'csrf_required' });
        expect(response.headers.get('location')).toBeNull();
        expect(response.headers.getSetCookie()).toEqual([]);
      }),
      { numRuns: runs(60) },
    );
    // None of those counted: a top-level navigation (marked or not) still gets its 3 a minute, then the 429.
    expect((await loginRoute(stack, { 'sec-fetch-dest': 'document', 'sec-fetch-site': 'cross-site' })).status).toBe(302);
    expect((await loginRoute(stack)).status).toBe(302);
    expect((await loginRoute(stack, { 'sec-fetch-dest': 'document' })).status).toBe(302);
    await expectThrottled(await loginRoute(stack, { 'sec-fetch-dest': 'document' }));
    const callback = (headers: Record<string, string>) =>
      fetch(`${stack.origin}/auth/callback/bad`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'code=x' });
    // `bad` calls back with a redirect, so a POST is a 405: counted all the same.
    for (let i = 0; i < 3; i++) expect((await callback({ 'sec-fetch-dest': 'document' })).status).toBe(405);
    await expectThrottled(await callback({}));
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
