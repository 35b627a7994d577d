/**
 * Issue #8, item 1 (open redirect after login, RFC 9700 §4.11.1): for any
 * `returnTo`, every Location the login routes answer stays on the BFF's origin,
 * on the success and on the failure path, and no login route answers 5xx.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../bff/flow/return-to.js';
import { TestBrowser } from '../support/browser.js';
import { runs, URL_PIECES } from '../support/fuzz.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginThrough, sessionIn } from '../support/provider-stack.js';

let stack: HostileStack;
beforeAll(async () => {
  stack = await startHostileStack();
});
afterAll(() => stack.close());
afterEach(() => stack.idp.reset());

/** Paths whose dot segments, plain or encoded, may normalise into a network-path reference ("/.//evil"). */
const dotSegmentPaths = fc
  .tuple(
    fc.array(fc.constantFrom('.', '..', '%2e', '%2E', '%2e%2e', '.%2E', 'x', ''), { minLength: 1, maxLength: 4 }),
    fc.constantFrom('//', '/', '/\\', '/%2f', '///'),
    fc.constantFrom('evil.example', 'evil.example/path?q=1', '127.0.0.1:9', '%65vil.example', ''),
  )
  .map(([segments, joint, host]) => `/${segments.join('/')}${joint}${host}`);

/** Strings built to confuse URL normalisation, and arbitrary ones. */
const returnTos = fc.oneof(
  dotSegmentPaths,
  fc.array(fc.constantFrom(...URL_PIECES), { maxLength: 8 }).map((pieces) => pieces.join('')),
  fc.array(fc.constantFrom(...URL_PIECES), { maxLength: 8 }).map((pieces) => `/${pieces.join('')}`),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.webUrl(),
);

/** How the value reaches the query: percent-encoded, or raw (so "%2e" stays an encoded dot). */
const queryOf = (returnTo: string, raw: boolean) => {
  if (raw) return returnTo.replace(/[#&]/g, encodeURIComponent);
  try {
    return encodeURIComponent(returnTo);
  } catch {
    return encodeURIComponent(returnTo.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
  }
};

function expectOnOrigin(location: string) {
  expect(location.startsWith('/') && !location.startsWith('//'), location).toBe(true);
  expect(new URL(location, stack.origin).origin, location).toBe(stack.origin);
}

/** One login from the login route to the callback's answer, succeeding or refused by the provider. */
async function login(query: string, fails: boolean) {
  stack.idp.reset();
  if (fails) stack.idp.behave({ callbackError: 'access_denied' });
  const browser = new TestBrowser();
  const start = await browser.get(`${stack.origin}/auth/login/bad?returnTo=${query}`);
  expect(start.status).toBe(302);
  const back = await browser.get(start.headers.get('location') ?? '');
  const callback = await browser.get(back.headers.get('location') ?? '');
  return { callback, browser };
}

describe('returnTo: never an off-origin redirect', () => {
  it.each(['/.//evil.example', '/x/..//evil', '/%2e//evil', '/%2E%2E//evil.example/', '/./%2e/..//evil', '/a/../..//evil'])(
    '%j lands on / after a login, and on /?auth_error=... after a failed one',
    async (returnTo) => {
      const success = await loginThrough(stack, 'bad', new TestBrowser(), returnTo);
      expect(success).toMatchObject({ status: 302, location: '/' });
      expect(await sessionIn(stack, success.browser)).toMatchObject({ authenticated: true });
      stack.idp.behave({ callbackError: 'access_denied' });
      const failure = await loginThrough(stack, 'bad', new TestBrowser(), returnTo);
      expect(failure).toMatchObject({ status: 302, location: '/?auth_error=access_denied' });
    },
  );

  it('keeps a same-origin path with its query and fragment', async () => {
    const result = await loginThrough(stack, 'bad', new TestBrowser(), '/a/./b/../c?x=1#top');
    expect(result.location).toBe('/a/c?x=1#top');
  });

  it('property: for any returnTo, the callback answers a 302 to the BFF origin, logged in or not', async () => {
    await fc.assert(
      fc.asyncProperty(returnTos, fc.boolean(), fc.boolean(), async (returnTo, raw, fails) => {
        const { callback } = await login(queryOf(returnTo, raw), fails);
        expect(callback.status).toBe(302);
        const location = callback.headers.get('location') ?? '';
        expectOnOrigin(location);
        expect(location.includes('auth_error=access_denied')).toBe(fails);
      }),
      { numRuns: runs(150) },
    );
  });

  it('property: a login route whose provider is down sends any returnTo back on the origin', async () => {
    const down = await startHostileStack();
    try {
      down.idp.behave({ discovery: 'status-500' });
      await fc.assert(
        fc.asyncProperty(returnTos, fc.boolean(), async (returnTo, raw) => {
          const start = await fetch(`${down.origin}/auth/login/bad?returnTo=${queryOf(returnTo, raw)}`, { redirect: 'manual' });
          expect(start.status).toBe(302);
          const location = start.headers.get('location') ?? '';
          expect(location).toMatch(/auth_error=provider_unavailable/);
          expect(new URL(location, down.origin).origin).toBe(down.origin);
          expect(location.startsWith('//')).toBe(false);
        }),
        { numRuns: runs(100) },
      );
    } finally {
      await down.close();
    }
  });

  it('property: safeReturnTo answers a path-absolute, same-origin reference that it keeps as it is', () => {
    const base = new URL('https://app.example.test');
    fc.assert(
      fc.property(fc.oneof(returnTos, fc.anything()), (value) => {
        const path = safeReturnTo(value, base);
        expect(path.startsWith('/') && !path.startsWith('//')).toBe(true);
        expect(new URL(path, base).origin).toBe(base.origin);
        expect(safeReturnTo(path, base)).toBe(path);
        expect(path.length).toBeLessThanOrEqual(512);
      }),
      { numRuns: runs(5000) },
    );
  });
});
