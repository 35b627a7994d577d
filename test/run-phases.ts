/**
 * `npm test`: every phase, then the time each one took; exits with the first failure's code. The
 * build starts the tests (the package and standalone-server tests run dist/). The type-check and
 * the linter start at once beside them, at a lower priority (nice 10): the cores are busy while
 * the first test files pack, install and drive Chromium, and these two then take what the tests
 * leave idle instead of stretching the files that everything else waits behind. The tests' output
 * streams; the others' is printed whole as each ends.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

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

const wall = (performance.now() / 1000).toFixed(1);
const rows = outcomes.map(({ name, seconds, code }) => `  ${name.padEnd(10)} ${seconds.toFixed(1).padStart(6)} s  ${code === 0 ? 'ok' : `failed (${code})`}`);
console.log(`\nnpm test phases (the build then the tests; typecheck and lint beside them, at a lower priority):\n${rows.join('\n')}\n  ${'total'.padEnd(10)} ${wall.padStart(6)} s`);
process.exit(outcomes.find((outcome) => outcome.code !== 0)?.code ?? 0);
