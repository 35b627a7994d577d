import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RoleName, RoleOptions } from '../servers/roles.js';

const CHILD_ENTRY = fileURLToPath(new URL('./child.ts', import.meta.url));
/** Kept from each child's stderr, shown when it fails. */
const STDERR_TAIL_BYTES = 4096;

/** One benchmarked server (or helper) in its own process, driven over IPC. */
export interface BenchChild {
  readonly role: RoleName;
  /** The server's origin, e.g. http://127.0.0.1:PORT (empty for roles that serve nothing). */
  readonly url: string;
  call: <T>(command: string, argument?: unknown) => Promise<T>;
  stop: () => Promise<void>;
}

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/**
 * Starts `role` in a child process (TypeScript through tsx, `--expose-gc` for the
 * memory bench, NODE_ENV=production) and resolves once its server listens.
 */
export async function startChild<R extends RoleName>(role: R, options: RoleOptions<R>): Promise<BenchChild> {
  const child = fork(CHILD_ENTRY, [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, NODE_ENV: 'production', BENCH_ROLE: role, BENCH_OPTIONS: JSON.stringify(options) },
    // The BFF logs a JSON line per login on stderr, as in production; it is drained here and kept only for failures.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_BYTES);
  });
  const failed = (why: string) => new Error(`bench child "${role}" ${why}\n${stderr}`);

  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(failed(`exited with ${code} before it was ready`)));
    child.once('message', (message: { ready?: string }) => resolve(message.ready ?? ''));
  });
  child.removeAllListeners('exit');
  child.on('message', ({ id, result, error }: Reply) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (error !== undefined) waiter?.reject(failed(`failed: ${error}`));
    else waiter?.resolve(result);
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(failed(`exited with ${code}`));
    pending.clear();
  });

  return {
    role,
    url,
    call: <T>(command: string, argument?: unknown) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, command, argument });
      }),
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** Starts several children at once and stops them all when `use` settles. */
export async function withChildren<T, Names extends string>(
  specs: Record<Names, () => Promise<BenchChild>>,
  use: (children: Record<Names, BenchChild>) => Promise<T>,
): Promise<T> {
  const entries = Object.entries(specs) as Array<[Names, () => Promise<BenchChild>]>;
  const started = await Promise.allSettled(entries.map(([, start]) => start()));
  const children = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  try {
    const failure = started.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    return await use(Object.fromEntries(entries.map(([name], index) => [name, children[index]])) as Record<Names, BenchChild>);
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}
