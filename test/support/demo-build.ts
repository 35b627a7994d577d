import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';

/**
 * The demo's SPA built from the current sources into a directory of its own, as `npm start`
 * builds it (production): always fresh, and never emptying demo/dist under a running demo.
 */
export async function buildDemo(): Promise<{ dir: string; remove: () => Promise<void> }> {
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
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
