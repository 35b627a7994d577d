import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loginAtDevProvider, TestBrowser } from '../support/browser.js';
import { TEST_SECRET } from '../support/bff.js';
import { DEV_CLIENT, fetchHeaders, login, startDevStack, type DevStack } from '../support/dev-stack.js';
import type { LogoutResponse, SessionResponse } from '../../shared/index.js';

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack();
});
afterAll(() => stack.close());
afterEach(() => {
  vi.useRealTimers();
});

const sessionCookieOf = (browser: TestBrowser) => browser.cookies(stack.origin).find((cookie) => cookie.name === 'bff-auth');

async function session(browser: TestBrowser, query = '') {
  const response = await browser.get(`${stack.origin}/auth/session${query}`, { headers: fetchHeaders });
  expect(response.status).toBe(200);
  return (await response.json()) as Extract<SessionResponse, { authenticated: true }>;
}

/** Starts a login and logs in at the provider; resolves with the callback URL, not yet requested. */
async function callbackUrlFor(browser: TestBrowser, returnTo = '/') {
  const start = await browser.get(`${stack.origin}/auth/login/dev?returnTo=${encodeURIComponent(returnTo)}`);
  return loginAtDevProvider(browser, start.headers.get('location') ?? '', 'alice', (url) => url.origin === stack.origin);
}

describe('login against a real OpenID Provider (oidc-provider)', () => {
  it('walks code -> token -> id -> info and answers the normalized user, with no token anywhere', async () => {
    const browser = new TestBrowser();
    const callback = await login(browser, stack, 'alice', '/dashboard?tab=1#top');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/dashboard?tab=1#top');

    const response = await browser.get(`${stack.origin}/auth/session`, { headers: fetchHeaders });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      authenticated: true,
      provider: 'dev',
      expiresAt: expect.any(Number),
      linked: ['dev'],
      user: {
        id: 'dev:alice',
        provider: 'dev',
        providerUserId: 'alice',
        name: 'Alice',
        username: 'alice',
        email: 'alice@example.test',
        emailVerified: true,
        avatarUrl: `${stack.dev.issuer}/avatar/alice.svg`,
        locale: 'en',
      },
    });
    for (const secret of stack.dev.issued) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/token|eyJ/i);
  });

  it('sets an HttpOnly, SameSite=Strict, host-only session cookie and a Lax, 10-minute transaction cookie', async () => {
    const browser = new TestBrowser();
    await login(browser, stack);
    const transaction = browser.setCookieLog.find((header) => header.startsWith('bff-auth.tx.'));
    expect(transaction).toMatch(/^bff-auth\.tx\.[A-Za-z0-9]{32}=/);
    expect(transaction).toMatch(/; Path=\/(;|$)/);
    expect(transaction).toMatch(/; Max-Age=600(;|$)/);
    expect(transaction).toMatch(/; HttpOnly/);
    expect(transaction).toMatch(/; SameSite=Lax/);

    const sessionCookie = browser.setCookieLog.find((header) => header.startsWith('bff-auth='));
    expect(sessionCookie).toMatch(/^bff-auth=[A-Za-z0-9_-]{43};/);
    expect(sessionCookie).toMatch(/; Path=\/(;|$)/);
    expect(sessionCookie).toMatch(/; HttpOnly/);
    expect(sessionCookie).toMatch(/; SameSite=Strict/);
    expect(sessionCookie).not.toMatch(/Domain=/i);
    expect(sessionCookie).not.toMatch(/; Secure/); // plain http on loopback drops Secure and the __Host- prefix
    expect(browser.cookies(stack.origin).some((cookie) => cookie.name.startsWith('bff-auth.tx.'))).toBe(false);
  });

  it('gives a new session id at every login and ends the one the browser had', async () => {
    const first = new TestBrowser();
    await login(first, stack);
    const oldId = sessionCookieOf(first)?.value ?? '';

    const second = new TestBrowser();
    second.setCookie(stack.origin, 'bff-auth', oldId);
    await login(second, stack, 'bob');
    expect(sessionCookieOf(second)?.value).not.toBe(oldId);
    expect(await session(second)).toMatchObject({ user: { id: 'dev:bob' } });
    expect(await session(first)).toEqual({ authenticated: false });
  });

  it('lets two logins be in flight at once in one browser (two tabs), each with its own transaction', async () => {
    const browser = new TestBrowser();
    const startA = await browser.get(`${stack.origin}/auth/login/dev?returnTo=/tab-a`);
    const startB = await browser.get(`${stack.origin}/auth/login/dev?returnTo=/tab-b`);
    const pending = browser.cookies(`${stack.origin}/auth/callback/dev`).filter((cookie) => cookie.name.startsWith('bff-auth.tx.'));
    expect(pending).toHaveLength(2);

    const callbackA = await loginAtDevProvider(browser, startA.headers.get('location') ?? '', 'alice', (url) => url.origin === stack.origin);
    const toB = await browser.follow(startB.headers.get('location') ?? '', { stopAt: (url) => url.origin === stack.origin });
    expect((await browser.get(toB.stoppedAt ?? '')).headers.get('location')).toBe('/tab-b');
    expect((await browser.get(callbackA)).headers.get('location')).toBe('/tab-a');
    expect(await session(browser)).toMatchObject({ authenticated: true, user: { id: 'dev:alice' } });
  });

  it('lists the configured providers', async () => {
    const response = await new TestBrowser().get(`${stack.origin}/auth/providers`, { headers: fetchHeaders });
    expect(await response.json()).toEqual([{ id: 'dev', name: 'Development', type: 'oidc' }]);
  });
});

describe('logout', () => {
  it('ends the session (the old cookie no longer works) and answers the end-session URL', async () => {
    const browser = new TestBrowser();
    await login(browser, stack);
    const oldId = sessionCookieOf(browser)?.value ?? '';

    const response = await browser.post(`${stack.origin}/auth/logout`, { headers: fetchHeaders });
    expect(response.status).toBe(200);
    const { redirectTo } = (await response.json()) as LogoutResponse;
    const endSession = new URL(redirectTo ?? '');
    expect(endSession.origin).toBe(stack.dev.issuer);
    expect(endSession.searchParams.get('client_id')).toBe(DEV_CLIENT.clientId);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${stack.origin}/`);
    expect(endSession.searchParams.get('state')).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(endSession.searchParams.has('id_token_hint')).toBe(false);
    expect(sessionCookieOf(browser)).toBeUndefined();

    const replay = new TestBrowser();
    replay.setCookie(stack.origin, 'bff-auth', oldId);
    expect(await session(replay)).toEqual({ authenticated: false });
  });

  it('answers 200 {redirectTo:null} without a session', async () => {
    const response = await new TestBrowser().post(`${stack.origin}/auth/logout`, { headers: fetchHeaders });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ redirectTo: null });
  });
});

describe('sliding idle timeout', () => {
  it('extends the idle expiry on a read, but not on a slide=false poll, and ends the session when idle', async () => {
    const browser = new TestBrowser();
    await login(browser, stack);
    vi.useFakeTimers({ toFake: ['Date'] });
    const { expiresAt } = await session(browser);

    vi.setSystemTime(Date.now() + 600_000);
    expect((await session(browser, '?slide=false')).expiresAt).toBe(expiresAt);
    const slid = (await session(browser)).expiresAt;
    expect(slid).toBeGreaterThanOrEqual(expiresAt + 600);

    vi.setSystemTime(Date.now() + 1801_000);
    expect(await session(browser, '?slide=false')).toEqual({ authenticated: false });
  });
});

describe('the CSRF rule', () => {
  it.each([
    ['GET', '/auth/session'],
    ['GET', '/auth/providers'],
    ['POST', '/auth/logout'],
  ])('%s %s without x-csrf: 1 is 403 csrf_required', async (method, path) => {
    for (const headers of [{}, { 'x-csrf': '0' }] as Record<string, string>[]) {
      const response = await new TestBrowser().request(`${stack.origin}${path}`, { method, headers });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'csrf_required' });
    }
  });
});

describe('returnTo', () => {
  it.each(['https://evil.example', '//evil.example', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)', 'evil'])(
    '%j is replaced by /',
    async (returnTo) => {
      const callback = await login(new TestBrowser(), stack, 'alice', returnTo);
      expect(callback.headers.get('location')).toBe('/');
    },
  );

  it('a failed login lands on the same safe path', async () => {
    const browser = new TestBrowser();
    await browser.get(`${stack.origin}/auth/login/dev?returnTo=${encodeURIComponent('//evil.example')}`);
    const response = await browser.get(`${stack.origin}/auth/callback/dev?code=x&state=${'A'.repeat(32)}`);
    expect(response.headers.get('location')).toBe('/?auth_error=invalid_state');
  });
});

describe('forged, missing and replayed callbacks', () => {
  it('a state that does not match the transaction is invalid_state, and no session starts', async () => {
    const browser = new TestBrowser();
    const callback = new URL(await callbackUrlFor(browser, '/here'));
    callback.searchParams.set('state', 'B'.repeat(32));
    const response = await browser.get(callback);
    expect(response.headers.get('location')).toBe('/?auth_error=invalid_state');
    expect(await session(browser)).toEqual({ authenticated: false });
  });

  it.each(['abc', 'A'.repeat(33), 'A'.repeat(31) + '!'])('a malformed state %j is invalid_state', async (state) => {
    const response = await new TestBrowser().get(`${stack.origin}/auth/callback/dev?code=x&state=${encodeURIComponent(state)}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/?auth_error=invalid_state');
  });

  it('a callback without the transaction cookie (another browser) is invalid_state', async () => {
    const callback = await callbackUrlFor(new TestBrowser());
    const response = await new TestBrowser().get(callback);
    expect(response.headers.get('location')).toBe('/?auth_error=invalid_state');
  });

  it('a replayed callback is invalid_state, even with the transaction cookie put back', async () => {
    const browser = new TestBrowser();
    const callback = await callbackUrlFor(browser, '/inbox');
    const transaction = browser.cookies(callback).find((cookie) => cookie.name.startsWith('bff-auth.tx.'));
    expect((await browser.get(callback)).headers.get('location')).toBe('/inbox');

    const lastReason = () => stack.bff.logs.lines.findLast((line) => line.event === 'login.failure')?.reason;
    expect((await browser.get(callback)).headers.get('location')).toBe('/?auth_error=invalid_state');
    expect(lastReason()).toBe('tx_cookie_missing');
    const attacker = new TestBrowser();
    const replay = await attacker.get(callback, { headers: { cookie: `${transaction?.name}=${transaction?.value}` } });
    expect(replay.headers.get('location')).toBe('/inbox?auth_error=invalid_state');
    expect(lastReason()).toBe('callback_replayed');
    expect(await session(attacker)).toEqual({ authenticated: false });
  });

  it('a tampered transaction cookie is invalid_state', async () => {
    const browser = new TestBrowser();
    const callback = await callbackUrlFor(browser);
    const transaction = browser.cookies(callback).find((cookie) => cookie.name.startsWith('bff-auth.tx.'));
    const value = transaction?.value ?? '';
    const tampered = value.slice(0, -5) + (value.endsWith('AAAAA') ? 'BBBBB' : 'AAAAA');
    const response = await new TestBrowser().get(callback, { headers: { cookie: `${transaction?.name}=${tampered}` } });
    expect(response.headers.get('location')).toBe('/?auth_error=invalid_state');
  });

  it('a login that comes back after 10 minutes is login_expired, or invalid_state once the browser dropped its cookie', async () => {
    const browser = new TestBrowser();
    const callback = await callbackUrlFor(browser, '/late');
    const transaction = browser.cookies(callback).find((cookie) => cookie.name.startsWith('bff-auth.tx.'));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 11 * 60_000);
    // A browser whose clock is behind the server's still sends the cookie.
    const late = await new TestBrowser().get(callback, { headers: { cookie: `${transaction?.name}=${transaction?.value}` } });
    expect(late.headers.get('location')).toBe('/?auth_error=login_expired');
    expect((await browser.get(callback)).headers.get('location')).toBe('/?auth_error=invalid_state');
  });
});

describe('tampered and oversized cookies never get a 5xx', () => {
  it.each(['garbage', 'A'.repeat(43), '%E0%A4%A', 'x'.repeat(4000)])('session cookie %#: unauthenticated, and the cookie is cleared', async (value) => {
    const browser = new TestBrowser();
    browser.setCookie(stack.origin, 'bff-auth', value);
    expect(await session(browser)).toEqual({ authenticated: false });
    expect(sessionCookieOf(browser)).toBeUndefined();
  });

  it('an oversized cookie header is refused with a 4xx', async () => {
    const response = await fetch(`${stack.origin}/auth/session`, { headers: { ...fetchHeaders, cookie: `bff-auth=${'x'.repeat(20_000)}` } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});

describe('unknown providers and wrong methods', () => {
  it('a login link to an unknown provider is a 404 page, not a redirect', async () => {
    const response = await new TestBrowser().get(`${stack.origin}/auth/login/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('unknown_provider');
  });

  it('a callback for an unknown provider lands on /?auth_error=unknown_provider', async () => {
    const response = await new TestBrowser().get(`${stack.origin}/auth/callback/nope?code=x&state=${'A'.repeat(32)}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/?auth_error=unknown_provider');
  });

  it('GET /auth/logout is 405 with Allow: POST', async () => {
    const response = await new TestBrowser().get(`${stack.origin}/auth/logout`, { headers: fetchHeaders });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ error: 'method_not_allowed' });
  });
});

describe('logs', () => {
  it('a full login and logout writes no token, code, state, secret or cookie value', async () => {
    const browser = new TestBrowser();
    const before = stack.bff.logs.lines.length;
    const callback = new URL(await callbackUrlFor(browser));
    await browser.get(callback);
    await session(browser);
    await browser.post(`${stack.origin}/auth/logout`, { headers: fetchHeaders });

    const logged = stack.bff.logs.lines.slice(before).map((line) => JSON.stringify(line)).join('\n');
    expect(logged).toContain('login.success');
    expect(logged).toContain('logout');
    const cookieValues = browser.setCookieLog.map((header) => header.slice(header.indexOf('=') + 1, header.indexOf(';'))).filter((value) => value.length > 0);
    const secrets = [
      ...stack.dev.issued,
      DEV_CLIENT.clientSecret,
      TEST_SECRET,
      callback.searchParams.get('code') ?? '',
      callback.searchParams.get('state') ?? '',
      ...cookieValues,
    ];
    expect(secrets.length).toBeGreaterThan(6);
    for (const secret of secrets) expect(logged).not.toContain(secret);
    expect(logged).not.toMatch(/eyJ/);
  });
});
