/**
 * Property-based fuzzing of every input a browser controls, over HTTP against
 * the real routes: paths, callback queries, cookies, headers, methods and
 * bodies. Properties: no 5xx, never a session without a valid login, never a
 * redirect off the origin, and the server still answers (and logs in) afterwards.
 * `npm run fuzz` runs 20 times the cases.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { runs, URL_PIECES } from '../support/fuzz.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginThrough, sessionIn } from '../support/provider-stack.js';

let stack: HostileStack;
beforeAll(async () => {
  stack = await startHostileStack((idp) => ({ apis: [{ path: '/api/bad', provider: 'bad', target: `${idp.origin}/userinfo`, methods: ['GET', 'POST'] }] }));
});
afterAll(() => stack.close());

const ROUTES = ['/auth/login/bad', '/auth/login/nope', '/auth/callback/bad', '/auth/callback/nope', '/auth/session', '/auth/logout', '/auth/providers', '/auth/backchannel-logout/bad', '/api/bad', '/api/bad/x', '/auth/', '/'];
const PARAMS = ['code', 'state', 'iss', 'error', 'error_description', 'returnTo', 'slide', 'logout_token', 'auth_code', 'session_state'];
const COOKIE_NAMES = ['bff-auth', '__Host-bff-auth', 'bff-auth.tx.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '__Host-bff-auth.tx.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'other'];

const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.array(fc.constantFrom(...URL_PIECES), { maxLength: 6 }).map((pieces) => pieces.join('')),
  fc.stringMatching(/^[A-Za-z0-9]{32}$/),
  fc.constant('x'.repeat(3000)),
);
const encode = (value: string) => encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));

const request = fc.record({
  route: fc.constantFrom(...ROUTES),
  suffix: fc.oneof(fc.constant(''), fc.array(fc.constantFrom(...URL_PIECES), { maxLength: 3 }).map((pieces) => pieces.join('').replace(/[^\x21-\x7e]|[#?]/gu, encode))),
  query: fc.array(fc.tuple(fc.constantFrom(...PARAMS), text, fc.boolean()), { maxLength: 5 }),
  cookies: fc.array(fc.tuple(fc.constantFrom(...COOKIE_NAMES), text), { maxLength: 4 }),
  method: fc.constantFrom('GET', 'GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'),
  csrf: fc.boolean(),
  contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data', ''),
  body: text,
});

describe('fuzzing the routes a browser can reach', () => {
  it('property: no 5xx, no off-origin redirect, and no session comes of it', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ route, suffix, query, cookies, method, csrf, contentType, body }) => {
        const search = query.map(([name, value, raw]) => `${name}=${raw ? value.replace(/[^\x21-\x7e]|[#&]/gu, encode) : encode(value)}`).join('&');
        const headers: Record<string, string> = {};
        if (cookies.length > 0) headers.cookie = cookies.map(([name, value]) => `${name}=${encode(value)}`).join('; ');
        if (csrf) Object.assign(headers, fetchHeaders);
        if (contentType) headers['content-type'] = contentType;
        const hasBody = !['GET', 'HEAD'].includes(method);
        const browser = new TestBrowser();
        const response = await browser.request(`${stack.origin}${route}${suffix}?${search}`, { method, headers, body: hasBody ? body : undefined });
        await response.arrayBuffer();
        expect(response.status, `${method} ${route}${suffix}?${search}`).toBeLessThan(500);
        const location = response.headers.get('location');
        if (location !== null && !location.startsWith(stack.idp.origin)) {
          expect(new URL(location, stack.origin).origin, location).toBe(stack.origin);
          expect(location.startsWith('//')).toBe(false);
        }
        expect(await sessionIn(stack, browser)).toEqual({ authenticated: false });
      }),
      { numRuns: runs(400) },
    );
  });

  it('the server still answers and still logs people in afterwards', async () => {
    const providers = await fetch(`${stack.origin}/auth/providers`, { headers: fetchHeaders });
    expect(providers.status).toBe(200);
    const { location, browser } = await loginThrough(stack, 'bad');
    expect(location).toBe('/home');
    expect(await sessionIn(stack, browser)).toMatchObject({ authenticated: true });
  });
});
