import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterEach } from 'vitest';

/** Debian's Chromium: the end-to-end tests drive it and never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium: boolean = existsSync(CHROMIUM_PATH);
export const CHROMIUM_INSTALL_HINT = 'apt-get install -y chromium';

/** The notice a skipped end-to-end test file prints, so a skip is never silent. */
export const CHROMIUM_SKIP_NOTICE = `end-to-end tests skipped: Chromium not found at ${CHROMIUM_PATH}; install it with: ${CHROMIUM_INSTALL_HINT}`;

/** Headless Chromium, with nothing running in the background that would call out to the network; `extraArgs` are added flags. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // One renderer for the app and its provider, which sit on other sites (localhost, 127.0.0.1):
      // site isolation's extra process per site costs every cross-site redirect a process start.
      '--disable-site-isolation-trials',
      '--disable-features=site-per-process,IsolateOrigins',
      ...extraArgs,
    ],
  });
}

/**
 * Fresh browser profiles for a test file's tests, each closed when the test that opened it ends.
 * Pages left open stay alive, each with its renderer and its app, and slow every later test in
 * the file: the demo's file took 82 CPU-s with its pages open to the end, 59 without.
 */
export function contextPerTest(browser: () => Browser): (options?: BrowserContextOptions) => Promise<BrowserContext> {
  const open: BrowserContext[] = [];
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((context) => context.close()));
  });
  return async (options) => {
    const context = await browser().newContext(options);
    open.push(context);
    return context;
  };
}

/**
 * An app's sign-in through the development provider in Chromium: its sign-in button (named
 * `button`, once it shows), the provider's login form as `username`, back at the app's `origin`.
 */
export async function signInThroughDevProvider(page: Page, button: string, devProvider: string, origin: string, username = 'ada'): Promise<void> {
  const soon = { timeout: 15_000 };
  const signIn = page.getByRole('button', { name: button });
  await signIn.waitFor({ state: 'visible', ...soon });
  await signIn.click();
  await page.waitForURL((url) => url.origin === devProvider, soon);
  await page.locator('input[name="username"]').fill(username);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.origin === origin, soon);
}
