/**
 * Issue #15, section 3 in Chromium: a page rendered on the server from `auth.readSession`, passed
 * as `<AuthProvider initialSession>` and hydrated with the same session (the README's
 * examples/vite-react-express/users/page.tsx and hydrate.tsx, as written), shows who is signed in,
 * or the sign-in button, from the server's HTML on, and never renders the loading state.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { createElement } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRenderedPage } from '../../examples/vite-react-express/users/page.js';
import { CHROMIUM_SKIP_NOTICE, hasChromium, pagePerTest, sharedChromium, signInThroughDevProvider } from '../support/chromium.js';
import { startDevApp, type DevApp } from '../support/dev-app.js';
import { Greeting } from '../support/ssr-app.js';

if (!hasChromium) console.warn(CHROMIUM_SKIP_NOTICE);

const SOON = { timeout: 10_000 };
const SCRIPT = fileURLToPath(new URL('../support/ssr-app-client.tsx', import.meta.url));
const CLIENT = fileURLToPath(new URL('../../client/index.ts', import.meta.url));

/**
 * Run in each page before its own scripts: records every loading state put into the document, by
 * the parser or by React, even one removed again before anything could look (mutation records keep it).
 */
function recordLoadingStates(): void {
  const seen: string[] = [];
  Object.assign(window, { loadingSeen: seen });
  const check = (node: Node) => {
    if (node instanceof Element ? node.matches('[data-loading]') || node.querySelector('[data-loading]') : node.textContent?.includes('Loading')) {
      seen.push(node.textContent ?? '');
    }
  };
  new MutationObserver((records) => {
    for (const record of records) {
      record.addedNodes.forEach(check);
      if (record.type === 'characterData') check(record.target);
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
}

describe.skipIf(!hasChromium)('a server-rendered page with initialSession, in Chromium', () => {
  let app: DevApp;
  let browser: Browser;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [SCRIPT],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      jsx: 'automatic',
      // The example imports the package by its name, as an app does; here that name is the sources.
      alias: { 'bff-auth/client': CLIENT },
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'warning',
    });
    const script = bundle.outputFiles[0]!.text;
    app = await startDevApp((server, auth) => {
      server.get('/page.js', (_req, res) => res.type('text/javascript').send(script));
      server.get('/', serverRenderedPage(auth, createElement(Greeting), '/page.js'));
      // The control: the same tree rendered in the browser alone, with no initialSession.
      server.get('/browser-only', (_req, res) => res.send('<!doctype html><meta charset="utf-8"><div id="root"></div><script type="module" src="/page.js"></script>'));
    });
    browser = await sharedChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  const openPage = pagePerTest(() => browser);

  /** A page that records loading states, and React's errors (a hydration mismatch among them) on the app's pages. */
  async function newPage(): Promise<{ page: Page; errors: string[] }> {
    const page = await openPage();
    await page.addInitScript(recordLoadingStates);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && message.location().url.startsWith(app.origin) && errors.push(message.text()));
    return { page, errors };
  }

  /** Waits for React to have hydrated (or rendered) the page; answers the loading states the page has shown. */
  async function loadingStatesAfterHydration(page: Page): Promise<string[]> {
    await page.locator('main[data-hydrated="true"]').waitFor(SOON);
    return page.evaluate(() => (window as unknown as { loadingSeen: string[] }).loadingSeen);
  }

  it('the control: the same page rendered in the browser without initialSession shows its loading state, and the recorder sees it', async () => {
    const { page } = await newPage();
    await page.goto(`${app.origin}/browser-only`);
    expect(await loadingStatesAfterHydration(page)).toContain('Loading…');
  });

  it('signed out: the server renders the sign-in button, and the page never shows a loading state', async () => {
    const { page, errors } = await newPage();
    const response = await page.goto(app.origin);
    const html = await response!.text();
    expect(html).toContain('>Sign in</button>');
    expect(html).not.toContain('Loading');
    expect(await loadingStatesAfterHydration(page)).toEqual([]);
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).isVisible(), SOON).toBe(true);
    expect(errors).toEqual([]);
  });

  it('signed in: the server HTML already shows the user, no loading state during load or hydration, and Sign out works', async () => {
    const { page, errors } = await newPage();
    await page.goto(app.origin);
    await loadingStatesAfterHydration(page);
    await signInThroughDevProvider(page, 'Sign in', app.dev.issuer, app.origin);
    // Back from the provider: the callback's redirect lands on the server-rendered page, signed in.
    expect(await loadingStatesAfterHydration(page)).toEqual([]);

    const response = await page.goto(app.origin);
    const html = await response!.text();
    expect(html).toContain('Signed in as Ada');
    expect(html).not.toContain('Sign in</button>');
    expect(html).not.toContain('Loading');
    expect(await loadingStatesAfterHydration(page)).toEqual([]);
    expect(await page.getByText('Signed in as Ada').isVisible()).toBe(true);
    expect(errors).toEqual([]);

    // Interactive after hydration: Sign out ends the session on the server.
    const loggedOut = page.waitForResponse((answer) => answer.url() === `${app.origin}/auth/logout` && answer.request().method() === 'POST');
    // The client then follows the provider's end-session URL: a navigation of the page's own, which a goto started before it would lose to.
    const leftForProvider = page.waitForURL((url) => url.origin === new URL(app.dev.issuer).origin);
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect((await loggedOut).status()).toBe(200);
    await leftForProvider;

    // And signed out, the same page renders signed out on the server, with no loading state either.
    const after = await page.goto(app.origin);
    expect(await after!.text()).toContain('>Sign in</button>');
    expect(await loadingStatesAfterHydration(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
