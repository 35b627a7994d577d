import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserServer } from 'playwright-core';

/** One Chromium server. Playwright loads here, not at start: vitest starts its workers after the global setup. */
async function launch(): Promise<BrowserServer> {
  const [{ chromium }, { chromiumLaunchOptions }] = await Promise.all([import('playwright-core'), import('./chromium.js')]);
  return chromium.launchServer(chromiumLaunchOptions());
}

/**
 * The global setup's side of `sharedChromium`: an HTTP endpoint on 127.0.0.1 that launches one
 * Chromium server on the first request and answers every request with its WebSocket address. A
 * run with no end-to-end file starts no browser, and does not load Playwright.
 */
export async function startChromiumBroker(): Promise<{ url: string; close: () => Promise<void> }> {
  let browser: Promise<BrowserServer> | undefined;
  const broker = createServer((_request, response) => {
    browser ??= launch();
    browser.then(
      (server) => response.end(server.wsEndpoint()),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  broker.listen(0, '127.0.0.1');
  await once(broker, 'listening');
  return {
    url: `http://127.0.0.1:${(broker.address() as AddressInfo).port}/`,
    close: async () => {
      broker.closeAllConnections();
      broker.close();
      await browser?.then((server) => server.close(), () => undefined);
    },
  };
}
