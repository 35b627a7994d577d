/**
 * The package as a user gets it: packed from a fresh copy of the sources (so `prepack` builds it),
 * then unpacked into scratch projects whose other dependencies are this repository's installed
 * ones, linked in. No network, no registry.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, realpath, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const run = promisify(execFile);

export interface PackResult {
  /** The directory holding the fresh copy, the tarball and the scratch projects. */
  workDir: string;
  tarball: string;
  /** The paths inside the tarball, as npm lists them. */
  files: string[];
}

/** A command's standard output, or an error carrying all of its output. */
export async function sh(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  try {
    const { stdout } = await run(command, args, { ...options, maxBuffer: 32 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${options.cwd}:\n${stdout}${stderr}`, { cause: error });
  }
}

/** `npm pack` in a copy of what git would commit (tracked and new files), with no dist/ to start from. */
export async function packFreshCopy(): Promise<PackResult> {
  const workDir = await mkdtemp(join(tmpdir(), 'bff-auth-pack-'));
  const clone = join(workDir, 'clone');
  const listed = await sh('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: PROJECT_ROOT });
  const paths = listed.split('\0').filter((path) => path && path !== 'node_modules' && !path.startsWith('dist/'));
  for (const path of paths) {
    await mkdir(dirname(join(clone, path)), { recursive: true });
    await cp(join(PROJECT_ROOT, path), join(clone, path)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error; // deleted in the work tree, not yet in git
    });
  }
  await symlink(await realpath(join(PROJECT_ROOT, 'node_modules')), join(clone, 'node_modules'));
  const json = await sh('npm', ['pack', '--json', '--pack-destination', workDir], {
    cwd: clone,
    env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
  });
  const [packed] = JSON.parse(json.slice(json.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (!packed) throw new Error(`npm pack printed no result:\n${json}`);
  return { workDir, tarball: join(workDir, packed.filename), files: packed.files.map((file) => file.path) };
}

/**
 * A scratch project with the tarball unpacked as node_modules/bff-auth and every other installed
 * package linked in; `reactTypes` picks which React types are node_modules/@types/react.
 */
export async function scratchProject(pack: PackResult, name: string, reactTypes: 'react' | 'react-18'): Promise<string> {
  const project = join(pack.workDir, name);
  const modules = join(project, 'node_modules');
  const installed = await realpath(join(PROJECT_ROOT, 'node_modules'));
  await mkdir(join(modules, 'bff-auth'), { recursive: true });
  await sh('tar', ['-xzf', pack.tarball, '-C', join(modules, 'bff-auth'), '--strip-components=1'], { cwd: project });
  for (const entry of await readdir(installed)) {
    if (entry.startsWith('.') || entry === 'bff-auth' || entry === '@types') continue;
    await symlink(join(installed, entry), join(modules, entry));
  }
  await mkdir(join(modules, '@types'));
  for (const entry of await readdir(join(installed, '@types'))) {
    if (entry === 'react' || entry === 'react-18') continue;
    await symlink(join(installed, '@types', entry), join(modules, '@types', entry));
  }
  await symlink(join(installed, '@types', reactTypes), join(modules, '@types', 'react'));
  return project;
}

/** tsc over a project; resolves with its output, rejects with it when there are errors. */
export function typecheck(project: string, tsconfig = 'tsconfig.json'): Promise<string> {
  return sh(process.execPath, [join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { cwd: project });
}
