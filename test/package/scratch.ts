/**
 * The package as a user gets it: packed from this repository's build (or, when dist/ is older than
 * the sources, from a fresh copy that `prepack` builds), then installed with `npm install` from the
 * registry into scratch projects, beside the versions of its dependencies and of TypeScript that a
 * user installing today gets (not this repository's locked ones).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, stat, symlink, writeFile } from 'node:fs/promises';
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

/** What git would commit (tracked and new files), dist/ and node_modules left out. */
async function sourceFiles(): Promise<string[]> {
  const listed = await sh('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: PROJECT_ROOT });
  return listed.split('\0').filter((path) => path && path !== 'node_modules' && !path.startsWith('dist/'));
}

/**
 * `npm pack` of the package. `npm test` builds dist/ once before the tests; packing reuses that build
 * (`--ignore-scripts`: `prepack` does not build again). A dist/ that is missing or older than a source
 * (a test run without `npm test`) is never rebuilt in place, where other tests use it: the sources
 * are copied and packed there instead, which builds them.
 */
export async function packBuild(): Promise<PackResult> {
  const workDir = await mkdtemp(join(tmpdir(), 'bff-auth-pack-'));
  const sources = await sourceFiles();
  if (await isBuilt(sources)) return npmPack(PROJECT_ROOT, workDir, ['--ignore-scripts']);
  const clone = join(workDir, 'clone');
  for (const path of sources) {
    await mkdir(dirname(join(clone, path)), { recursive: true });
    await cp(join(PROJECT_ROOT, path), join(clone, path)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error; // deleted in the work tree, not yet in git
    });
  }
  await symlink(await realpath(join(PROJECT_ROOT, 'node_modules')), join(clone, 'node_modules'));
  return npmPack(clone, workDir);
}

/** Whether dist/ was built after every source it is built from last changed. */
async function isBuilt(sources: string[]): Promise<boolean> {
  const built = await oldestMtime(join(PROJECT_ROOT, 'dist'));
  const inputs = sources.filter((path) => /^(shared|bff|client)\/|^(package|tsconfig.*)\.json$/.test(path));
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

async function npmPack(cwd: string, workDir: string, flags: string[] = []): Promise<PackResult> {
  const json = await sh('npm', ['pack', '--json', ...flags, '--pack-destination', workDir], {
    cwd,
    env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
  });
  const [packed] = JSON.parse(json.slice(json.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (!packed) throw new Error(`npm pack printed no result:\n${json}`);
  return { workDir, tarball: join(workDir, packed.filename), files: packed.files.map((file) => file.path) };
}

/** The compilers a scratch project holds: the newest TypeScript, and the oldest release the README claims. */
export type Compiler = 'typescript' | 'typescript-oldest';

const EXAMPLE = join(PROJECT_ROOT, 'examples/vite-react-express');

/**
 * The example app and the consumer file as a project that installs the tarball and the example's
 * dependencies from the registry (`--prefer-offline`: npm's cache first), with React 18 or 19 and
 * its types, and two compilers: `typescript` at its newest and `typescript-oldest` at `oldest`.
 */
export async function installedProject(pack: PackResult, react: 18 | 19, oldest: string): Promise<string> {
  const project = join(pack.workDir, `react-${react}`);
  await cp(EXAMPLE, project, { recursive: true, filter: (source) => !source.includes('node_modules') });
  await cp(join(PROJECT_ROOT, 'test/package/consumer/api-usage.tsx'), join(project, 'api-usage.tsx'));
  const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as Record<'dependencies' | 'devDependencies', Record<string, string>>;
  const reactRange = `^${react}.0.0`;
  Object.assign(manifest.dependencies, { 'bff-auth': `file:${pack.tarball}`, react: reactRange, 'react-dom': reactRange });
  Object.assign(manifest.devDependencies, {
    '@types/react': reactRange,
    '@types/react-dom': reactRange,
    typescript: '*',
    'typescript-oldest': `npm:typescript@~${oldest}.0`,
  });
  await writeFile(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  return project;
}

/** `compiler`'s tsc over a project; resolves with its output, rejects with it when there are errors. */
export function typecheck(project: string, tsconfig: string, compiler: Compiler): Promise<string> {
  return sh(process.execPath, [join(project, 'node_modules', compiler, 'bin/tsc'), '-p', tsconfig], { cwd: project });
}
