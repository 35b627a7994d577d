/**
 * `npm test`: the phases in order, stopping after the first step in which one fails, then the
 * time each one took. A phase is one line of {@link STEPS}; the phases of one step run side by
 * side, the tests' output as it comes and the others' printed whole as each ends. The build comes
 * first (the package and standalone-server tests run dist/); the type-check and the linter then
 * fill the cores the tests leave idle while they wait on browsers, processes and sockets.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const STEPS: Array<Array<[name: string, command: string]>> = [
  [['build', 'npm run --silent build']],
  [
    ['tests', 'vitest run'],
    ['typecheck', 'npm run --silent typecheck'],
    ['lint', 'npm run --silent lint'],
  ],
];

interface Outcome {
  name: string;
  seconds: number;
  code: number;
}

/** The first phase of a step streams its output; the others print theirs whole when they end. */
async function runPhase(name: string, command: string, streams: boolean): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(command, { shell: true, stdio: streams ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (!streams) process.stdout.write(`\n> ${name} (${command})\n${output}`);
  return { name, seconds: (performance.now() - started) / 1000, code: code ?? 1 };
}

const outcomes: Outcome[] = [];
for (const step of STEPS) {
  outcomes.push(...(await Promise.all(step.map(([name, command], index) => runPhase(name, command, index === 0)))));
  if (outcomes.some((outcome) => outcome.code !== 0)) break;
}

const wall = (performance.now() / 1000).toFixed(1);
const rows = outcomes.map(({ name, seconds, code }) => `  ${name.padEnd(10)} ${seconds.toFixed(1).padStart(6)} s  ${code === 0 ? 'ok' : `failed (${code})`}`);
console.log(`\nnpm test phases (the build, then the tests, typecheck and lint side by side):\n${rows.join('\n')}\n  ${'total'.padEnd(10)} ${wall.padStart(6)} s`);
process.exit(outcomes.find((outcome) => outcome.code !== 0)?.code ?? 0);
