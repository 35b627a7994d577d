import type { TestProject } from 'vitest/node';
import { ensureBuilt } from './support/built-dist.js';
import { startChromiumBroker } from './support/chromium-broker.js';

/**
 * Before any test file: dist/ up to date for the files that run it (none of them is in the fast
 * set), and the way to the run's one Chromium (`sharedChromium`).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.TEST_SET !== 'fast') await ensureBuilt();
  const broker = await startChromiumBroker();
  project.provide('chromiumBroker', broker.url);
  return broker.close;
}
