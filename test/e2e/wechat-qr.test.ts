/**
 * Issue #17, sections 1 and 2 in Chromium: WeChat's QR code in the app's own page (the embed route,
 * `WeChatQrLogin`, the standalone server's CSP) against the WeChat emulator's embeddable QR page,
 * and the same "Sign in with WeChat" inside WeChat's browser, handed to the official account.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestBffOnFreePort, type TestBff } from '../support/bff.js';
import { CHROMIUM_SKIP_NOTICE, hasChromium, pagePerTest, sharedChromium } from '../support/chromium.js';
import { startWeChatEmulator, WECHAT_PATHS, WECHAT_SCAN_PATH, type WeChatEmulator } from '../../emulators/wechat.js';
import { USER_AGENTS } from '../support/user-agents.js';

if (!hasChromium) console.warn(CHROMIUM_SKIP_NOTICE);

const SOON = { timeout: 10_000 };
const QR = 'Sign in with WeChat: QR code';
const APP = fileURLToPath(new URL('../support/wechat-qr-app.tsx', import.meta.url));

describe.skipIf(!hasChromium)('WeChat login in Chromium', () => {
  let site: WeChatEmulator;
  let mp: WeChatEmulator;
  let bff: TestBff;
  let appDir: string;
  let browser: Browser;

  beforeAll(async () => {
    appDir = await mkdtemp(join(tmpdir(), 'bff-auth-wechat-qr-'));
    await build({
      entryPoints: [APP],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      outfile: join(appDir, 'app.js'),
      logLevel: 'warning',
    });
    await writeFile(join(appDir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>QR app</title><div id="root"></div><script type="module" src="/app.js"></script>');
    [site, mp] = await Promise.all([startWeChatEmulator(), startWeChatEmulator()]);
    const { officialAccountAuthorization, authorization, token, userinfo } = WECHAT_PATHS;
    const endpoints = (origin: string, page: string) => ({ authorization: origin + page, token: origin + token, userinfo: origin + userinfo });
    bff = await startTestBffOnFreePort(
      {
        providers: [
          { id: 'wechat', type: 'wechat', clientId: site.appId, clientSecret: site.appSecret, endpoints: endpoints(site.origin, authorization), inWeChat: 'wechat-mp' },
          { id: 'wechat-mp', type: 'wechat-mp', clientId: mp.appId, clientSecret: mp.appSecret, endpoints: endpoints(mp.origin, officialAccountAuthorization) },
        ],
      },
      { staticDir: appDir },
    );
    browser = await sharedChromium();
  });
  beforeEach(() => {
    site.reset();
    mp.reset();
  });
  afterAll(async () => {
    await browser?.close();
    await bff?.close();
    await Promise.all([site?.close(), mp?.close()]);
    if (appDir) await rm(appDir, { recursive: true, force: true });
  });
  const newPage = pagePerTest(() => browser);

  const status = (page: Page) => page.getByTestId('status').textContent();
  const qrFrame = (page: Page) => page.frameLocator(`iframe[title="${QR}"]`);

  it('the QR code shows in the page under its CSP; a scan signs in and no token ever reaches the page', async () => {
    const page = await newPage();
    const blocked: string[] = [];
    page.on('console', (message) => message.type() === 'error' && blocked.push(message.text()));
    const bodies: Array<Promise<string>> = [];
    page.on('response', (response) => {
      if (new URL(response.url()).origin === bff.url && response.status() < 300) bodies.push(response.text().catch(() => ''));
    });
    await page.goto(bff.url);
    await expect.poll(() => status(page), SOON).toBe('unauthenticated');
    await qrFrame(page).getByRole('img', { name: 'QR code' }).waitFor({ state: 'visible', ...SOON });
    expect(await page.getByRole('status').count()).toBe(0);
    expect(blocked.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);

    await qrFrame(page).getByRole('button', { name: 'scan' }).click();
    await page.waitForURL(`${bff.url}/`, SOON);
    await expect.poll(() => status(page), SOON).toBe(`authenticated: ${site.user.nickname} (wechat)`);

    const tokens = site.issued.filter((issued) => /^(ACCESS|REFRESH)_/.test(issued));
    expect(tokens.length).toBeGreaterThan(0);
    const seen = [
      ...(await Promise.all(bodies)),
      await page.evaluate(() => `${document.cookie} ${JSON.stringify({ ...localStorage })} ${JSON.stringify({ ...sessionStorage })} ${document.documentElement.outerHTML}`),
    ].join('\n');
    for (const token of tokens) expect(seen).not.toContain(token);
  });

  it('a callback whose state was tampered with on the way is refused: not signed in, invalid_state', async () => {
    const page = await newPage();
    // The scan's redirect back, its state changed on the way (the browser follows the Location it is given).
    await page.route(`${site.origin}${WECHAT_SCAN_PATH}?**`, async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      const back = new URL(response.headers().location ?? '');
      back.searchParams.set('state', 'X'.repeat(32));
      await route.fulfill({ response, headers: { ...response.headers(), location: back.href } });
    });
    await page.goto(bff.url);
    await qrFrame(page).getByRole('button', { name: 'scan' }).click();
    await page.waitForURL((url) => url.searchParams.get('auth_error') === 'invalid_state', SOON);
    await expect.poll(() => status(page), SOON).toBe('unauthenticated error invalid_state');
  });

  it('an expired QR code offers a new one, a new login, loaded in the frame', async () => {
    const page = await newPage();
    // Recorded as they happen: a short lifetime may end a code before a locator could read it.
    const offered: string[] = [];
    const shown: string[] = [];
    page.on('response', async (response) => {
      if (new URL(response.url()).pathname === '/auth/login/wechat/embed') offered.push(((await response.json()) as { url: string }).url);
    });
    // The frame's request for the page, made when the frame is inserted (a loaded machine may end a 400 ms code before the page commits).
    page.on('request', (request) => request.frame() !== page.mainFrame() && shown.push(request.url()));
    await page.goto(`${bff.url}/?lifetimeMs=400`);
    await page.getByRole('button', { name: 'Get a new code' }).click(SOON);
    await expect.poll(() => offered.length, SOON).toBe(2);
    const states = offered.map((url) => new URL(url).searchParams.get('state'));
    expect(states[1]).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(states[1]).not.toBe(states[0]);
    await expect.poll(() => shown, SOON).toContain(offered[1]);
  });

  it("inside WeChat's browser, Sign in with WeChat is the official account's login, which signs in", async () => {
    const page = await newPage({ userAgent: USER_AGENTS.wechat });
    const siteLogins = site.requests.length;
    await page.goto(bff.url);
    await page.getByRole('button', { name: 'Sign in with WeChat' }).click();
    await expect.poll(() => status(page), SOON).toBe(`authenticated: ${mp.user.nickname} (wechat-mp)`);
    // The official account's `#wechat_redirect` rides the redirects back (a browser keeps a fragment the Location lacks).
    expect(new URL(page.url()).pathname).toBe('/');
    expect(mp.requests.map(({ path }) => path)).toEqual(expect.arrayContaining([WECHAT_PATHS.officialAccountAuthorization, WECHAT_PATHS.token]));
    // Only the embedded QR page's own fetch reached the website app's emulator, never its login.
    expect(site.requests.slice(siteLogins).map(({ path }) => path).filter((path) => path !== WECHAT_PATHS.authorization)).toEqual([]);
  });
});
