/**
 * The package as a user gets it: packed from this repository's build, then installed with `npm install` from the
 * registry into scratch projects, beside the versions of its dependencies and of TypeScript that a
 * user installing today gets (not this repository's locked ones).
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

/**
 * `npm pack` of the package: of dist/ as vitest's global setup left it (built for the sources as
 * they are), with `--ignore-scripts` so that `prepack` does not build it a second time.
 */
export async function packBuild(): Promise<PackResult> {
  return npmPack(PROJECT_ROOT, await mkdtemp(join(tmpdir(), 'bff-auth-pack-')), ['--ignore-scripts']);
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
 * `startFrom`, a project installed minutes before for the other React, is copied with its lockfile
 * instead: npm then installs only React's packages anew and keeps the rest at the versions it has
 * just resolved for today's registry, in 2 CPU-s instead of 9.
 */
export async function installedProject(pack: PackResult, react: 18 | 19, oldest: string, startFrom?: string): Promise<string> {
  const project = join(pack.workDir, `react-${react}`);
  if (startFrom) {
    await cp(startFrom, project, { recursive: true, verbatimSymlinks: true });
  } else {
    await cp(EXAMPLE, project, { recursive: true, filter: (source) => !source.includes('node_modules') });
    await cp(join(PROJECT_ROOT, 'test/package/consumer/api-usage.tsx'), join(project, 'api-usage.tsx'));
  }
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

/**
 * `compiler`'s tsc over a project; resolves with its output, rejects with it when there are errors.
 * The newest (TypeScript 7) checks in parallel by default, which on two cores costs more CPU than
 * it saves time: it runs single-threaded, which checks the same.
 */
export function typecheck(project: string, tsconfig: string, compiler: Compiler): Promise<string> {
  const flags = compiler === 'typescript' ? ['--singleThreaded'] : [];
  return sh(process.execPath, [join(project, 'node_modules', compiler, 'bin/tsc'), '-p', tsconfig, ...flags], { cwd: project });
}
