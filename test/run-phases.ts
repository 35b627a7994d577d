/**
 * `npm test`: every phase, then the time each one took and how busy the machine's cores were; exits
 * with the first failure's code. The build starts the tests (the package and standalone-server
 * tests run dist/). The type-check and the linter start at once beside them, at a lower priority
 * (nice 10): the cores are busy while the first test files pack, install and drive Chromium, and
 * these two then take what the tests leave idle instead of stretching the files that everything
 * else waits behind. The tests' output streams; the others' is printed whole as each ends.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';

interface Phase {
  name: string;
  command: string;
  /** The phase that must pass first. */
  after?: string;
  background?: boolean;
}

const PHASES: Phase[] = [
  { name: 'build', command: 'npm run --silent build' },
  { name: 'tests', command: 'vitest run', after: 'build' },
  { name: 'typecheck', command: 'nice -n 10 npm run --silent typecheck', background: true },
  { name: 'lint', command: 'nice -n 10 npm run --silent lint', background: true },
];

interface Outcome {
  name: string;
  seconds: number;
  code: number;
}

async function runPhase({ name, command, background }: Phase): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(command, { shell: true, stdio: background ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (background) process.stdout.write(`\n> ${name} (${command})\n${output}`);
  return { name, seconds: (performance.now() - started) / 1000, code: code ?? 1 };
}

/**
 * The machine's busy and total CPU time so far, summed over its cores (node's per-core counters):
 * it tells a suite that waits (cores idle) from a machine that is full.
 */
function machineCpu(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    busy += all - times.idle;
    total += all;
  }
  return { busy, total };
}

const cpuAtStart = machineCpu();
const running = new Map<string, Promise<Outcome | undefined>>();
for (const phase of PHASES) {
  const before = phase.after === undefined ? undefined : running.get(phase.after);
  running.set(
    phase.name,
    (async () => {
      const first = await before;
      return first && first.code !== 0 ? undefined : runPhase(phase);
    })(),
  );
}
const outcomes = (await Promise.all(running.values())).filter((outcome) => outcome !== undefined);

const wallSeconds = performance.now() / 1000;
const cpuAtEnd = machineCpu();
const cores = cpus().length;
const busy = (cpuAtEnd.busy - cpuAtStart.busy) / (cpuAtEnd.total - cpuAtStart.total);
const rows = outcomes.map(({ name, seconds, code }) => `  ${name.padEnd(10)} ${seconds.toFixed(1).padStart(6)} s  ${code === 0 ? 'ok' : `failed (${code})`}`);
console.log(
  [
    '\nnpm test phases (the build then the tests; typecheck and lint beside them, at a lower priority):',
    ...rows,
    `  ${'total'.padEnd(10)} ${wallSeconds.toFixed(1).padStart(6)} s`,
    `  the machine's ${cores} cores were ${(busy * 100).toFixed(0)}% busy: ${(busy * cores * wallSeconds).toFixed(0)} CPU-s (other work on it included)`,
  ].join('\n'),
);
process.exit(outcomes.find((outcome) => outcome.code !== 0)?.code ?? 0);
