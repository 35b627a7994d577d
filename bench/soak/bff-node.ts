import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_MS, exitWithin, PROJECT_ROOT, ready, track, type Child } from '../../test/support/bff-process.js';

const PROBE = fileURLToPath(new URL('probe.mjs', import.meta.url));
const SAMPLE_ANSWER_MS = 5_000;

/** What a soak BFF process tells of itself (probe.mjs), and its open file descriptors. */
export interface ProcessSample {
  heapUsed: number;
  /** What V8 holds for the heap: RSS can grow with it while `heapUsed` stays flat. */
  heapTotal: number;
  /** What V8 holds for its young objects (it gives most of it back when the process idles), its old objects and its compiled code. */
  held: { new: number; old: number; code: number };
  /** Memory outside the V8 heap that JavaScript objects hold (Buffers, ArrayBuffers). */
  external: number;
  rss: number;
  /** Active handles by kind: `TCPSocketWrap`, `Timeout`... */
  resources: Record<string, number>;
  fds: number;
}

/** A standalone BFF (`bff-auth serve`, over dist/) with the probe loaded, which the soak can kill and start again. */
export interface SoakBff {
  name: string;
  port: number;
  sample: () => Promise<ProcessSample | undefined>;
  kill: () => Promise<void>;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

export async function soakBff(dir: string, name: string, port: number, config: Record<string, unknown>): Promise<SoakBff> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(config, null, 2));
  let child: Child & { process: ChildProcess };

  const start = async () => {
    child = track(
      spawn(process.execPath, ['--expose-gc', '--import', PROBE, 'bin/bff-auth.js', 'serve', '--config', path, '--port', String(port)], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      }),
    );
    await (await ready(child, `http://127.0.0.1:${port}`)).body?.cancel();
  };

  const sample = async (): Promise<ProcessSample | undefined> => {
    const { process: running } = child;
    if (running.exitCode !== null || running.signalCode !== null || !running.connected) return undefined;
    const answer = new Promise<Omit<ProcessSample, 'fds'> | undefined>((resolve) => {
      // A process killed between the question and its answer never answers.
      const timer = setTimeout(() => resolve(undefined), SAMPLE_ANSWER_MS);
      running.once('message', (message) => {
        clearTimeout(timer);
        resolve(message as Omit<ProcessSample, 'fds'>);
      });
    });
    running.send('sample');
    const fds = (await readdir(`/proc/${running.pid}/fd`).catch(() => [])).length;
    const answered = await answer;
    return answered && { ...answered, fds };
  };

  const kill = async () => {
    child.process.kill('SIGKILL');
    await child.exited;
  };

  await start();
  return {
    name,
    port,
    sample,
    kill,
    start,
    stop: async () => {
      child.process.kill('SIGTERM');
      if ((await exitWithin(child, EXIT_MS)) === 'hung') child.process.kill('SIGKILL');
      await child.exited;
    },
  };
}
