/**
 * dist/, the build the package and standalone-server tests run, as the sources are now. `npm test`
 * builds it before the tests; a run of some test files alone (vitest's global setup) builds it
 * again only when a source it is built from changed since.
 */
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const run = promisify(execFile);

export async function ensureBuilt(): Promise<void> {
  if (await isBuilt()) return;
  await run('npm', ['run', '--silent', 'build'], { cwd: PROJECT_ROOT });
}

/** Whether dist/ was built after every source it is built from (what git would commit) last changed. */
async function isBuilt(): Promise<boolean> {
  const built = await oldestMtime(join(PROJECT_ROOT, 'dist'));
  const { stdout } = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 });
  const inputs = stdout.split('\0').filter((path) => /^(shared|bff|client)\/|^(package|tsconfig.*)\.json$/.test(path));
  for (const path of inputs) {
    const changed = await stat(join(PROJECT_ROOT, path)).then((info) => info.mtimeMs, () => 0);
    if (changed >= built) return false;
  }
  return true;
}

/** The oldest modification time of a file under `dir`, or 0 when there is none. */
async function oldestMtime(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const times = await Promise.all(entries.filter((entry) => entry.isFile()).map(async (entry) => (await stat(join(entry.parentPath, entry.name))).mtimeMs));
  return times.length ? Math.min(...times) : 0;
}
