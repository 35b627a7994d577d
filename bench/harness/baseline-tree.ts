import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What a BFF needs to run from a tree of its own. */
const PATHS = ['bff', 'shared', 'package.json', 'tsconfig.json'];

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/**
 * The BFF's code at `commit`, extracted into a temporary directory (with this
 * checkout's node_modules), so a benchmark can run the code of the baseline
 * next to today's in the same run. Undefined when the commit is unknown or its
 * BFF code is the same as the working tree's.
 */
export async function baselineTree(commit: string): Promise<string | undefined> {
  try {
    git('cat-file', '-e', `${commit}^{commit}`);
  } catch {
    return undefined;
  }
  try {
    git('diff', '--quiet', commit, '--', 'bff', 'shared');
    return undefined;
  } catch {
    // Exit status 1: the BFF code changed since the baseline.
  }
  const directory = join(tmpdir(), `bff-auth-bench-baseline-${commit}`);
  if (!existsSync(join(directory, 'bff', 'index.ts'))) {
    await rm(directory, { recursive: true, force: true });
    await mkdir(directory, { recursive: true });
    const archive = execFileSync('git', ['archive', '--format=tar', commit, ...PATHS], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', directory], { input: archive });
    await symlink(await realpath(join(ROOT, 'node_modules')), join(directory, 'node_modules'));
  }
  return directory;
}
