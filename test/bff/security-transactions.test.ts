/**
 * Issue #8, items 5 and 8: transaction cookies. They are capped per browser
 * (the newest few kept), small, 10 minutes, and on https `__Host-` with Path=/,
 * so neither abandoned logins nor another site's clicks pile them up past the
 * server's header limit, and a sibling subdomain cannot plant one (login CSRF).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TRANSACTIONS_IN_FLIGHT } from '../../bff/flow/transactions.js';
import { TestBrowser } from '../support/browser.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { runs } from '../support/fuzz.js';
import { asProviderBad, startHostileStack, startHostileStackBehindTls, type HostileStack, type TlsHostileStack } from '../support/hostile-stack.js';
import { sessionIn } from '../support/provider-stack.js';

const LONG_RETURN_TO = `/reports?${'q=x&'.repeat(120)}end=1`;

describe('transaction cookies in one browser (http, loopback)', () => {
  let stack: HostileStack;
  beforeAll(async () => {
    stack = await startHostileStack();
  });
  afterAll(() => stack.close());

  const transactions = (browser: TestBrowser) => browser.cookies(stack.origin).filter((cookie) => cookie.name.startsWith('bff-auth.tx.'));

  it('50 logins started in one browser, with long returnTos: the last one completes, and the cookies stay few and small', async () => {
    const browser = new TestBrowser();
    const authorizationUrls: string[] = [];
    for (let i = 0; i < 50; i++) {
      const start = await browser.get(`${stack.origin}/auth/login/bad?returnTo=${encodeURIComponent(`${LONG_RETURN_TO}&n=${i}`)}`);
      expect(start.status).toBe(302);
      authorizationUrls.push(start.headers.get('location') ?? '');
      expect(transactions(browser).length).toBeLessThanOrEqual(MAX_TRANSACTIONS_IN_FLIGHT);
    }
    const header = browser.cookies(stack.origin).map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
    expect(header.length).toBeLessThan(4096);
    for (const cookie of transactions(browser)) expect(cookie.value.length).toBeLessThan(1280);

    const back = await browser.get(authorizationUrls.at(-1)!);
    const callback = await browser.get(back.headers.get('location') ?? '');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(`${LONG_RETURN_TO}&n=49`);
    expect(await (await browser.get(`${stack.origin}/auth/session`, { headers: fetchHeaders })).json()).toMatchObject({ authenticated: true });
  });

  it('keeps the newest logins in flight: the two before the last still complete, the oldest is gone', async () => {
    const browser = new TestBrowser();
    const urls: string[] = [];
    for (const tab of ['a', 'b', 'c', 'd']) {
      urls.push((await browser.get(`${stack.origin}/auth/login/bad?returnTo=/${tab}`)).headers.get('location') ?? '');
    }
    const finish = async (url: string) => (await browser.get((await browser.get(url)).headers.get('location') ?? '')).headers.get('location');
    expect(await finish(urls[1]!)).toBe('/b');
    expect(await finish(urls[2]!)).toBe('/c');
    expect(await finish(urls[0]!)).toBe('/?auth_error=invalid_state');
  });

  it('a returnTo too long for a small cookie lands on /', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(`${stack.origin}/auth/login/bad?returnTo=${encodeURIComponent(`/x?${'y'.repeat(600)}`)}`);
    const back = await browser.get(start.headers.get('location') ?? '');
    expect((await browser.get(back.headers.get('location') ?? '')).headers.get('location')).toBe('/');
  });

  it('property: transaction cookies planted in any number, with any value, never push a callback to 4xx/5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{32}$/), fc.string({ maxLength: 300 })), { maxLength: 12 }),
        async (planted) => {
          const browser = new TestBrowser();
          for (const [state, value] of planted) browser.setCookie(stack.origin, `bff-auth.tx.${state}`, encodeURIComponent(value));
          const start = await browser.get(`${stack.origin}/auth/login/bad?returnTo=/planted`);
          expect(transactions(browser).length).toBeLessThanOrEqual(MAX_TRANSACTIONS_IN_FLIGHT);
          const back = await browser.get(start.headers.get('location') ?? '');
          const callback = await browser.get(back.headers.get('location') ?? '');
          expect(callback.status).toBe(302);
          expect(callback.headers.get('location')).toBe('/planted');
        },
      ),
      { numRuns: runs(40) },
    );
  });
});

describe('a transaction used for another login than its own', () => {
  let stack: HostileStack;
  beforeAll(async () => {
    // The same provider under two ids: each has its own callback route.
    stack = await startHostileStack((idp) => {
      const [bad] = asProviderBad(idp).providers;
      return { providers: [bad!, { ...bad!, id: 'other' }] };
    });
  });
  afterAll(() => stack.close());

  /** The answer to `request`, and the reasons the BFF logged while answering it. */
  async function answerWithReasons(request: () => Promise<Response>): Promise<{ answer: Response; reasons: unknown[] }> {
    const from = stack.bff.logs.lines.length;
    const answer = await request();
    return { answer, reasons: stack.bff.logs.lines.slice(from).map((line) => line.reason).filter((reason) => reason !== undefined) };
  }
  const tokenRequests = () => stack.idp.requests.filter((request) => request.path === '/token').length;

  /** A login at `bad` up to the provider's redirect back: the callback URL, not yet followed. */
  async function callbackOf(browser: TestBrowser): Promise<URL> {
    const start = await browser.get(`${stack.origin}/auth/login/bad?returnTo=/home`);
    const back = await browser.get(start.headers.get('location') ?? '');
    return new URL(back.headers.get('location') ?? '');
  }

  it("a login's callback brought to another provider's route is refused before any token request, and the login is spent (mix-up, RFC 9700 §4.4)", async () => {
    const browser = new TestBrowser();
    const callback = await callbackOf(browser);
    expect(callback.pathname).toBe('/auth/callback/bad');
    const tokensBefore = tokenRequests();
    const { answer: mixedUp, reasons } = await answerWithReasons(() => browser.get(new URL(`/auth/callback/other${callback.search}`, stack.origin)));
    expect(mixedUp.status).toBe(302);
    expect(mixedUp.headers.get('location')).toBe('/?auth_error=invalid_state');
    expect(reasons).toEqual(['tx_other_provider']);
    expect(tokenRequests()).toBe(tokensBefore);
    expect(await sessionIn(stack, browser)).toEqual({ authenticated: false });

    const real = await browser.get(callback);
    expect(real.headers.get('location')).toBe('/?auth_error=invalid_state');
    expect(tokenRequests()).toBe(tokensBefore);
    expect(await sessionIn(stack, browser)).toEqual({ authenticated: false });
  });

  it("another login's transaction cookie under this login's name is refused: the state sealed inside must match", async () => {
    const browser = new TestBrowser();
    const first = await callbackOf(browser);
    const second = await callbackOf(browser);
    const cookieOf = (callback: URL) => `bff-auth.tx.${callback.searchParams.get('state') ?? ''}`;
    const firstValue = browser.cookies(stack.origin).find((cookie) => cookie.name === cookieOf(first))?.value ?? '';
    expect(firstValue).not.toBe('');
    browser.setCookie(stack.origin, cookieOf(second), firstValue);
    const tokensBefore = tokenRequests();
    const { answer, reasons } = await answerWithReasons(() => browser.get(second));
    expect(answer.headers.get('location')).toBe('/?auth_error=invalid_state');
    expect(reasons).toEqual(['state_mismatch']);
    expect(tokenRequests()).toBe(tokensBefore);
    expect(await sessionIn(stack, browser)).toEqual({ authenticated: false });
  });
});

describe('login CSRF from a sibling subdomain (https)', () => {
  // The BFF believes it is https://app.example.test (behind a TLS-terminating proxy); requests reach it on loopback.
  const PUBLIC_ORIGIN = 'https://app.example.test';
  let stack: TlsHostileStack;

  beforeAll(async () => {
    stack = await startHostileStackBehindTls(PUBLIC_ORIGIN);
  });
  afterAll(() => stack.close());

  /** The attacker's own login, stopped before its callback: the callback URL and the transaction cookie's Set-Cookie. */
  async function attackersLogin() {
    const attacker = new TestBrowser();
    const start = await attacker.get(`${stack.origin}/auth/login/bad?returnTo=/`);
    const setCookie = attacker.setCookieLog.find((header) => /^[\w-]*bff-auth\.tx\./.test(header)) ?? '';
    const callback = new URL((await attacker.get(start.headers.get('location') ?? '')).headers.get('location') ?? '');
    const [, value = ''] = setCookie.slice(0, setCookie.indexOf(';')).split('=');
    return { callback: `${stack.origin}${callback.pathname}${callback.search}`, setCookie, state: callback.searchParams.get('state'), value };
  }

  it('the transaction cookie is __Host- with Path=/, Secure, no Domain, and lives 10 minutes', async () => {
    const { setCookie } = await attackersLogin();
    expect(setCookie).toMatch(/^__Host-bff-auth\.tx\.[A-Za-z0-9]{32}=/);
    expect(setCookie).toMatch(/; Path=\/(;|$)/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; Max-Age=600(;|$)/);
    expect(setCookie).not.toMatch(/Domain=/i);
  });

  it.each(['', '__Secure-', '__host-', '__HOST-'])(
    'a transaction cookie a sibling subdomain could plant (name prefix %j) does not sign the victim in',
    async (prefix) => {
      const { callback, state, value } = await attackersLogin();
      const planted = `${prefix}bff-auth.tx.${state}`;
      const victim = new TestBrowser();
      const response = await victim.get(callback, { headers: { cookie: `${planted}=${value}` } });
      expect(response.headers.get('location')).toBe('/?auth_error=invalid_state');
      expect(victim.setCookieLog.some((header) => header.startsWith('__Host-bff-auth='))).toBe(false);
    },
  );
});
