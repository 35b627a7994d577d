import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type LaunchOptions, type Page } from 'playwright-core';
import { afterEach, inject } from 'vitest';

declare module 'vitest' {
  interface ProvidedContext {
    /** Where a test file gets the shared Chromium's WebSocket address (`sharedChromium`). */
    chromiumBroker: string;
  }
}

/** Debian's Chromium: the end-to-end tests drive it and never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium: boolean = existsSync(CHROMIUM_PATH);
export const CHROMIUM_INSTALL_HINT = 'apt-get install -y chromium';

/** The notice a skipped end-to-end test file prints, so a skip is never silent. */
export const CHROMIUM_SKIP_NOTICE = `end-to-end tests skipped: Chromium not found at ${CHROMIUM_PATH}; install it with: ${CHROMIUM_INSTALL_HINT}`;

/** Headless Chromium, with nothing running in the background that would call out to the network; `extraArgs` are added flags. */
export function chromiumLaunchOptions(extraArgs: readonly string[] = []): LaunchOptions {
  return {
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
      // A profile's pages share its renderer process (see pagePerTest) instead of each starting one.
      '--renderer-process-limit=1',
      ...extraArgs,
    ],
  };
}

/** A Chromium of the test file's own, for flags the shared one (`sharedChromium`) does not have. */
export function launchChromium(extraArgs: readonly string[]): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions(extraArgs));
}

/**
 * The run's one Chromium (started by the global setup when the first file asks: a launch costs
 * 2.4 CPU-s), through a connection of this file's own: its close() closes the contexts the file
 * opened and leaves the browser to the other files.
 */
export async function sharedChromium(): Promise<Browser> {
  const answer = await fetch(inject('chromiumBroker'));
  if (!answer.ok) throw new Error(`the shared Chromium did not start: ${await answer.text()}`);
  return chromium.connect(await answer.text());
}

/**
 * Pages for a test file's tests, each test starting signed out everywhere as in a fresh profile:
 * when a test ends its pages close and the profile's cookies are cleared (the apps under test keep
 * nothing else: their sessionStorage belongs to the closed tab, and they use no localStorage). Its
 * HTTP cache stays warm, as a returning visitor's would.
 *
 * The profile itself lives as long as the browser, with a blank page holding its renderer
 * process, which the tests' pages join (`--renderer-process-limit=1`). A sign-in that starts a
 * renderer and compiles the app cold cost 4.7 CPU-s; in the warm renderer, 1.7-2.0. Options only
 * a profile can have (a user agent) get a fresh profile of their own, closed when the test ends.
 */
export function pagePerTest(browser: () => Browser, profile: BrowserContextOptions = {}): (own?: BrowserContextOptions) => Promise<Page> {
  let warm: Promise<{ context: BrowserContext; keeper: Page }> | undefined;
  const own: BrowserContext[] = [];
  afterEach(async () => {
    await Promise.allSettled(own.splice(0).map((context) => context.close()));
    if (!warm) return;
    const { context, keeper } = await warm;
    await Promise.allSettled(context.pages().filter((page) => page !== keeper).map((page) => page.close()));
    await context.clearCookies();
  });
  return async (options) => {
    if (options) {
      const context = await browser().newContext({ ...profile, ...options });
      own.push(context);
      return context.newPage();
    }
    warm ??= browser()
      .newContext(profile)
      .then(async (context) => ({ context, keeper: await context.newPage() }));
    return (await warm).context.newPage();
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
