import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { silentLogger } from '../../bff/index.js';
import { startDemo, type Demo, type DemoOptions } from '../../demo/server.js';
import { freePort } from './bff.js';
import { sharedChromium } from './chromium.js';

/** The demo as `npm start` runs it, on ports from the OS, and one Chromium to drive it. */
export interface DemoInChromium {
  demo: Demo;
  origin: string;
  /** Open pages in it through `pagePerTest`. */
  browser: Browser;
  close: () => Promise<void>;
}

/**
 * The demo's SPA built from the current sources into a directory of its own, as `npm start`
 * builds it (production): always fresh, and never emptying demo/dist under a running demo.
 */
async function buildDemo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bff-auth-demo-'));
  // vitest's NODE_ENV=test would make it a development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: 'vite.config.ts', logLevel: 'warn', mode: 'production', build: { outDir: dir, emptyOutDir: true } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return dir;
}

export async function startDemoInChromium(options: Pick<DemoOptions, 'emulators'> = {}): Promise<DemoInChromium> {
  const staticDir = await buildDemo();
  const [port, devProviderPort] = [await freePort(), await freePort()];
  const origin = `http://localhost:${port}`;
  const demo = await startDemo({ baseUrl: origin, port, host: 'localhost', staticDir, devProviderPort, logger: silentLogger, ...options });
  const browser = await sharedChromium();
  return {
    demo,
    origin,
    browser,
    close: async () => {
      await browser.close();
      await demo.close();
      await rm(staticDir, { recursive: true, force: true });
    },
  };
}
