import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { fetchHeaders } from './dev-stack.js';

export const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

/** Generous bounds: "answered, not hung", on a noisy shared machine. */
export const STARTUP_MS = 45_000;
export const EXIT_MS = 15_000;

/** A child process with its output collected. */
export interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
}

const running = new Set<Child>();

/** Collects a child's output and keeps it on the list {@link killRunning} ends, until it exits. */
export function track(child: ChildProcess): Child {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const tracked: Child = { process: child, stdout: () => stdout, stderr: () => stderr, exited };
  running.add(tracked);
  void exited.then(() => running.delete(tracked));
  return tracked;
}

/** SIGKILL to every child this test file started that still runs (its last clean-up). */
export function killRunning() {
  for (const child of running) child.process.kill('SIGKILL');
}

/**
 * The `bff-auth` command as a real child process: `node bin/bff-auth.js ARGS`, the bin a user runs,
 * over dist/ (vitest's global setup builds it when a source changed); or, for a file of the fast
 * set, which runs without that build, `node --import tsx bff/server/cli.ts ARGS` from the sources.
 */
export function cli(args: string[], env: Record<string, string | undefined> = {}, from: 'dist' | 'sources' = 'dist'): Child {
  const entry = from === 'dist' ? ['bin/bff-auth.js'] : ['--import', 'tsx', 'bff/server/cli.ts'];
  return track(
    spawn(process.execPath, [...entry, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/** Resolves with the exit code, or 'hung' when the process is still running after `ms`. */
export function exitWithin(child: Child, ms: number): Promise<number | string> {
  return Promise.race([child.exited, sleep(ms).then(() => 'hung')]);
}

/** Polls `GET /auth/providers` until it answers 200 (the documented readiness check); fails when the process exits first. */
export async function ready(child: Child, origin: string): Promise<Response> {
  const deadline = Date.now() + STARTUP_MS;
  let exited: number | string | undefined;
  void child.exited.then((code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`the server exited (${exited}) before it was ready:\n${child.stderr()}`);
    const response = await fetch(`${origin}/auth/providers`, { headers: fetchHeaders, signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    if (response?.status === 200) return response;
    await response?.body?.cancel();
    await sleep(200);
  }
  throw new Error(`the server was not ready within ${STARTUP_MS} ms:\nstdout: ${child.stdout()}\nstderr: ${child.stderr()}`);
}

/** A standalone BFF in its own process, serving `config` (written to `dir`) on `port`, until stopped. */
export interface BffProcess extends Child {
  origin: string;
  /** SIGTERM, then SIGKILL if it has not exited in time. */
  stop: () => Promise<void>;
}

export async function startBffProcess(dir: string, name: string, port: number, config: Record<string, unknown>, env: Record<string, string> = {}): Promise<BffProcess> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(config, null, 2));
  const child = cli(['serve', '--config', path, '--port', String(port)], env);
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.process.kill('SIGTERM');
    if ((await exitWithin(child, EXIT_MS)) === 'hung') child.process.kill('SIGKILL');
    await child.exited;
  };
  try {
    await (await ready(child, origin)).body?.cancel();
  } catch (error) {
    child.process.kill('SIGKILL');
    throw error;
  }
  return { ...child, origin, stop };
}
