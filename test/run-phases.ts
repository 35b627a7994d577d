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
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

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
 * The machine's busy and total CPU time so far, in clock ticks, or undefined off Linux. From the
 * `cpu` line of /proc/stat: user, nice, system, idle, iowait, irq, softirq and steal (guest time is
 * inside user time); idle and iowait are not busy. It tells a suite that waits (cores idle) from a
 * machine that is full.
 */
function machineTicks(): { busy: number; total: number } | undefined {
  let line: string;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  } catch {
    return undefined;
  }
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 8 || !ticks.every(Number.isFinite)) return undefined;
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

const ticksAtStart = machineTicks();
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

const seconds = performance.now() / 1000;
const ticksAtEnd = machineTicks();
const cores = availableParallelism();
const busy = ticksAtStart && ticksAtEnd ? (ticksAtEnd.busy - ticksAtStart.busy) / (ticksAtEnd.total - ticksAtStart.total) : undefined;
const rows = outcomes.map(({ name, seconds, code }) => `  ${name.padEnd(10)} ${seconds.toFixed(1).padStart(6)} s  ${code === 0 ? 'ok' : `failed (${code})`}`);
const machine = busy === undefined ? '' : `\n  the machine's ${cores} cores were ${(busy * 100).toFixed(0)}% busy: ${(busy * cores * seconds).toFixed(0)} CPU-s (other work on it included)`;
console.log(
  `\nnpm test phases (the build then the tests; typecheck and lint beside them, at a lower priority):\n${rows.join('\n')}\n  ${'total'.padEnd(10)} ${seconds.toFixed(1).padStart(6)} s${machine}`,
);
process.exit(outcomes.find((outcome) => outcome.code !== 0)?.code ?? 0);
