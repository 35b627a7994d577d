/**
 * The demo end to end: the built React app served by the demo server (the BFF embedded in an
 * Express app), the embedded development OpenID Provider, and Debian's Chromium driving it all
 * over real HTTP. Each test checks what a person at the browser would notice.
 */
import { mkdir } from 'node:fs/promises';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../demo/server.js';
import { CHROMIUM_SKIP_NOTICE, hasChromium, pagePerTest } from '../support/chromium.js';
import { startDemoInChromium, type DemoInChromium } from '../support/demo-in-chromium.js';

if (!hasChromium) console.warn(CHROMIUM_SKIP_NOTICE);

const SCREENSHOT = 'test-artifacts/demo-signed-in.png';
const SIGN_IN = { name: 'Sign in with Dev Login' };
/** A compact JWS/JWT: what an ID token or a JWT access token looks like. */
const JWT = /eyJ[\w-]{2,}\.eyJ[\w-]{2,}\.[\w-]*/;
/** OAuth token response fields (whole words: the error code `invalid_id_token` is fine). */
const TOKEN_FIELDS = /\b(access_token|id_token|refresh_token)\b/;
/** Bounded waits, never sleeps: a page load and a few fetches, on a busy two-core CI machine. */
const SOON = { timeout: 10_000 };
/** What must look instant to a user, like another tab's logout arriving. */
const AT_ONCE = { timeout: 5_000 };

describe.skipIf(!hasChromium)('the demo in Chromium', () => {
  let stage: DemoInChromium | undefined;
  let demo: Demo;
  let origin: string;
  let providerOrigin: string;

  beforeAll(async () => {
    stage = await startDemoInChromium();
    ({ demo, origin } = stage);
    providerOrigin = demo.devProvider!.issuer;
  });

  afterAll(() => stage?.close());
  const openPage = pagePerTest(() => stage!.browser, { viewport: { width: 1280, height: 860 }, colorScheme: 'light' });

  async function newPage(viewport?: { width: number; height: number }): Promise<Page> {
    const page = await openPage();
    if (viewport) await page.setViewportSize(viewport);
    return page;
  }

  /** The address as the page itself sees it (page.url() hears of history.replaceState a little later). */
  function addressBar(page: Page): Promise<string> {
    return page.evaluate(() => location.href);
  }

  /** From the demo's sign-in button through the provider's real login form and back. */
  async function signIn(page: Page, username: string): Promise<void> {
    await page.getByRole('button', SIGN_IN).click();
    await page.waitForURL((url) => url.origin === providerOrigin);
    await page.locator('input[name="username"]').fill(username);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.origin === origin);
  }

  /** Clicks `leave` in the demo, then `answer` on the provider's page, and waits to be back in the demo. */
  async function answerAtProvider(page: Page, leave: { name: string }, answer: string): Promise<void> {
    await page.getByRole('button', leave).click();
    await page.waitForURL((url) => url.origin === providerOrigin);
    await page.getByRole('button', { name: answer }).click();
    await page.waitForURL((url) => url.origin === origin);
  }

  it("signs in at the provider's login page and shows who you are", async () => {
    const page = await newPage();
    await page.goto(origin);
    await page.getByTestId('sign-in-card').waitFor({ state: 'visible', ...SOON });

    await page.getByRole('button', SIGN_IN).click();
    await page.waitForURL((url) => url.origin === providerOrigin);
    // The provider's own page, not the demo's.
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ state: 'visible', ...SOON });
    await page.locator('input[name="username"]').fill('ada');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    await page.waitForURL((url) => url.origin === origin);
    const card = page.getByTestId('user-card');
    await expect.poll(() => page.getByTestId('user-name').textContent(), SOON).toBe('Ada');
    expect(await card.textContent()).toContain('@ada');
    expect(await card.textContent()).toContain('ada@example.test');
    await card.getByText('Verified').waitFor({ state: 'visible', ...SOON });
    await card.getByRole('img', { name: "Ada's avatar" }).waitFor({ state: 'visible', ...SOON });
    expect(await page.getByTestId('user-provider').textContent()).toBe('Dev Login');
    // The header shows the user and the way out.
    expect(await page.getByTestId('header-user').textContent()).toContain('Ada');
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ state: 'visible', ...SOON });
    // The session's expiry, once the app has asked the server.
    await expect.poll(() => page.getByTestId('session-expiry').locator('time').count(), SOON).toBe(1);

    await mkdir('test-artifacts', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('stays signed in across a reload', async () => {
    const page = await newPage();
    await page.goto(origin);
    await signIn(page, 'grace');
    await expect.poll(() => page.getByTestId('user-name').textContent(), SOON).toBe('Grace');

    await page.reload();
    await expect.poll(() => page.getByTestId('user-name').textContent(), SOON).toBe('Grace');
    expect(await page.getByRole('button', SIGN_IN).count()).toBe(0);
  });

  it('never hands the page a token: not in a cookie it can read, not in storage, not in a response', async () => {
    const page = await newPage();
    const bodies: Array<Promise<{ url: string; body: string }>> = [];
    page.on('response', (response: Response) => {
      // The provider's own pages (another origin) legitimately talk OAuth; the demo's must not.
      if (new URL(response.url()).origin !== origin) return;
      bodies.push(
        response.body().then(
          (body) => ({ url: response.url(), body: body.toString('utf8') }),
          () => ({ url: response.url(), body: '' }), // redirects have no body
        ),
      );
    });

    await page.goto(origin);
    await signIn(page, 'alan');
    await expect.poll(() => page.getByTestId('user-name').textContent(), SOON).toBe('Alan');
    await page.getByTestId('account-link').click();
    await page.getByTestId('api-answer').waitFor({ state: 'visible', ...SOON });

    // The session cookie exists, but only for the browser: scripts cannot see it.
    const session = (await page.context().cookies(origin)).find((cookie) => cookie.name === 'bff-auth');
    expect(session?.httpOnly).toBe(true);
    const seen = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
    }));
    expect(seen.cookie).not.toContain('bff-auth=');
    expect(seen.cookie).not.toContain(session!.value);
    for (const stored of [seen.local, seen.session]) {
      expect(stored).not.toMatch(JWT);
      expect(stored).not.toMatch(TOKEN_FIELDS);
    }

    const received = await Promise.all(bodies);
    // The recording worked: it saw the session read that signed the page in.
    expect(received.some(({ url, body }) => url.endsWith('/auth/session') && body.includes('"authenticated":true'))).toBe(true);
    const issued = demo.devProvider!.issued;
    expect(issued.length).toBeGreaterThan(0);
    for (const { url, body } of received) {
      // Booleans, not toMatch: a failure names the response without printing a whole bundle.
      expect(TOKEN_FIELDS.exec(body)?.[0], `${url} names a token field`).toBeUndefined();
      expect(JWT.exec(body)?.[0], `${url} carries a JWT`).toBeUndefined();
      for (const value of issued) expect(body.includes(value), `${url} carries a value the provider issued`).toBe(false);
      for (const stored of [seen.cookie, seen.local, seen.session]) expect(stored.includes(issued[0]!)).toBe(false);
    }
  });

  it('shows the answer of the protected /api/me route, coming back to it after signing in', async () => {
    const page = await newPage();
    await page.goto(`${origin}/account`);
    const required = page.getByTestId('sign-in-required');
    await required.waitFor({ state: 'visible', ...SOON });
    expect(await required.textContent()).toContain('Sign-in required');

    await signIn(page, 'ada');
    expect(new URL(page.url()).pathname).toBe('/account');
    const answer = page.getByTestId('api-answer');
    await answer.waitFor({ state: 'visible', ...SOON });
    expect(await answer.getByRole('heading').textContent()).toBe('The server says you are Ada');
    expect(await answer.textContent()).toContain('dev:ada');
    const servedAt = await page.getByTestId('api-served-at').getAttribute('datetime');
    expect(Math.abs(Date.parse(servedAt!) - Date.now())).toBeLessThan(60_000);

    // "Ask again" is a fresh authFetch: the cookie rides along with the CSRF header.
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${origin}/api/me`),
      page.getByRole('button', { name: 'Ask again' }).click(),
    ]);
    expect(response.status()).toBe(200);
    expect(await response.request().headerValue('x-csrf')).toBe('1');
  });

  it('signing out in one tab signs the other tab out too, without a reload', async () => {
    const first = await newPage();
    await first.goto(origin);
    await signIn(first, 'ada');
    await expect.poll(() => first.getByTestId('user-name').textContent(), { ...SOON, message: 'first tab signed in' }).toBe('Ada');

    const second = await first.context().newPage();
    await second.goto(origin);
    await expect.poll(() => second.getByTestId('user-name').textContent(), { ...SOON, message: 'second tab signed in' }).toBe('Ada');
    // Survives only as long as the document does: a reload would wipe it.
    await second.evaluate(() => Object.assign(window, { sameDocument: true }));

    await first.getByRole('button', { name: 'Sign out' }).click();

    // The other tab hears of it at once.
    await expect.poll(() => second.getByTestId('sign-in-card').isVisible(), { ...AT_ONCE, message: 'second tab signed out by the broadcast' }).toBe(true);
    expect(await second.getByTestId('user-card').count()).toBe(0);
    expect(await second.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

    // The dev provider is an OIDC provider with RP-initiated logout: it asks whether to end its
    // own session too. Say yes, and land back in the demo.
    await first.waitForURL((url) => url.origin === providerOrigin);
    await first.getByRole('button', { name: 'Sign out' }).click();
    await first.waitForURL((url) => url.origin === origin);
    await expect.poll(() => first.getByTestId('sign-in-card').isVisible(), { ...SOON, message: 'first tab back signed out' }).toBe(true);
    // The state the provider sent back is checked against the logout's, then taken out of the address bar.
    await expect.poll(() => first.getByTestId('info-banner').textContent(), SOON).toContain('You are signed out');
    await expect.poll(() => addressBar(first), SOON).toBe(`${origin}/`);

    // The session is gone on the server too.
    await second.reload();
    await expect.poll(() => second.getByTestId('sign-in-card').isVisible(), { ...SOON, message: 'second tab signed out after reload' }).toBe(true);
  });

  it('explains a declined sign-in in words, and takes the code out of the address bar', async () => {
    const page = await newPage();
    await page.goto(`${origin}/?auth_error=access_denied`);
    const banner = page.getByTestId('error-banner');
    await banner.waitFor({ state: 'visible', ...SOON });
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await banner.textContent()).toContain('You declined the sign-in at the provider.');
    await expect.poll(() => addressBar(page), SOON).not.toContain('auth_error');
    // The way back in is right there.
    await page.getByRole('button', SIGN_IN).waitFor({ state: 'visible', ...SOON });

    await banner.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => banner.count(), SOON).toBe(0);
  });

  it('shows a real failed callback (no login in flight) as a readable error', async () => {
    const page = await newPage();
    await page.goto(`${origin}/auth/callback/dev?code=x&state=${'A'.repeat(32)}`);
    const banner = page.getByTestId('error-banner');
    await banner.waitFor({ state: 'visible', ...SOON });
    expect(await page.getByTestId('banner-text').textContent()).toMatch(/could not be verified/);
    expect(await banner.textContent()).toContain('invalid_state');
    await expect.poll(() => addressBar(page), SOON).toBe(`${origin}/`);
    expect(await page.getByTestId('user-card').count()).toBe(0);
  });

  /** Signs in as `username` and waits for the user card; resolves with the callback URL the provider sent the browser to. */
  async function signedInPage(username: string, viewport?: { width: number; height: number }): Promise<{ page: Page; callback: string }> {
    const page = await newPage(viewport);
    let callback = '';
    page.on('request', (request) => {
      if (request.url().startsWith(`${origin}/auth/callback/`)) callback = request.url();
    });
    await page.goto(origin);
    await signIn(page, username);
    await page.getByTestId('user-card').waitFor({ state: 'visible', ...SOON });
    return { page, callback };
  }

  it('"Stay signed in" at the provider still signs the app out, and the page says so', async () => {
    const { page } = await signedInPage('ada');
    await answerAtProvider(page, { name: 'Sign out' }, 'Stay signed in');
    const banner = page.getByTestId('info-banner');
    await expect.poll(() => banner.textContent(), SOON).toContain('You are signed out');
    expect(await banner.textContent()).toContain('Stay signed in');
    await page.getByTestId('sign-in-card').waitFor({ state: 'visible', ...SOON });
  });

  it('Cancel at the provider comes back as a declined sign-in', async () => {
    const page = await newPage();
    await page.goto(origin);
    await answerAtProvider(page, SIGN_IN, 'Cancel');
    const banner = page.getByTestId('error-banner');
    await expect.poll(() => banner.textContent(), SOON).toContain('You declined the sign-in at the provider.');
    expect(await banner.textContent()).toContain('access_denied');
  });

  it('a replayed callback while signed in says the second sign-in failed and that you are still signed in', async () => {
    const { page, callback } = await signedInPage('ada');
    expect(callback).not.toBe('');
    await page.goto(callback);
    const banner = page.getByTestId('error-banner');
    await banner.waitFor({ state: 'visible', ...SOON });
    expect(await banner.textContent()).toContain('That second sign-in failed');
    expect(await banner.textContent()).toContain('You are still signed in as Ada.');
    expect(await page.getByTestId('user-name').textContent()).toBe('Ada');
    expect(await banner.textContent()).not.toMatch(/^Sign-in failed/);
  });

  it('an unknown sign-in option gets a page in the demo\'s look, not a bare 404', async () => {
    const page = await newPage();
    const response = await page.goto(`${origin}/auth/login/nope`);
    expect(response?.status()).toBe(404);
    await page.getByRole('heading', { name: 'No such sign-in option' }).waitFor({ state: 'visible', ...SOON });
    expect(await page.getByTestId('not-found').textContent()).toContain('nope');
    await page.getByRole('link', { name: 'Go home' }).waitFor({ state: 'visible', ...SOON });
  });

  it("keeps the account page's JSON inside a 390 px wide screen", async () => {
    const { page } = await signedInPage('grace', { width: 390, height: 844 });
    await page.getByTestId('account-link').click();
    const json = page.locator('pre.json');
    await json.waitFor({ state: 'visible', ...SOON });
    const sizes = await page.evaluate(() => {
      const pre = document.querySelector('pre.json')!;
      return { page: document.documentElement.scrollWidth, pre: pre.scrollWidth, preBox: pre.clientWidth };
    });
    expect(sizes.page).toBeLessThanOrEqual(390);
    expect(sizes.pre).toBeLessThanOrEqual(sizes.preBox);
  });

  it("says the app's server is not answering instead of showing a raw TypeError", async () => {
    const page = await newPage();
    await page.route(`${origin}/api/me`, (route) => route.abort('connectionrefused'));
    await page.goto(`${origin}/account`);
    await signIn(page, 'alan');
    await page.getByText("The app's server is not answering").waitFor({ state: 'visible', ...SOON });
    expect(await page.locator('main').textContent()).not.toContain('TypeError');
  });

  it('shows the code behind what the page just did, as an app imports it', async () => {
    const page = await newPage();
    await page.goto(origin);
    const panel = page.getByTestId('use-it');
    await expect.poll(() => panel.textContent(), SOON).toContain('<LoginButton provider="dev" />');
    expect(await panel.textContent()).toContain("from 'bff-auth/client'");
    await signIn(page, 'ada');
    await expect.poll(() => panel.textContent(), SOON).toContain('useAuth()');
    await page.getByTestId('account-link').click();
    await expect.poll(() => panel.textContent(), SOON).toContain('auth.requireSession()');
  });
});
