import { ensureBuilt } from './support/built-dist.js';

/** Before any test file: dist/ up to date for the files that run it (none of them is in the fast set). */
export default async function setup(): Promise<void> {
  if (process.env.TEST_SET !== 'fast') await ensureBuilt();
}
