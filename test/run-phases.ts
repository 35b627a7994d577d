/**
 * `npm test`: the phases in turn, stopping at the first that fails, then the time each one took.
 * A phase is one line of {@link PHASES}.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const PHASES: Array<[name: string, command: string]> = [
  ['typecheck', 'npm run --silent typecheck'],
  ['build', 'npm run --silent build'],
  ['tests', 'vitest run'],
];

const timings: Array<[name: string, seconds: string, outcome: string]> = [];
let failed = 0;
for (const [name, command] of PHASES) {
  const started = performance.now();
  const child = spawn(command, { shell: true, stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  timings.push([name, ((performance.now() - started) / 1000).toFixed(1), code === 0 ? 'ok' : `failed (${code})`]);
  if (code !== 0) {
    failed = code ?? 1;
    break;
  }
}

const total = timings.reduce((sum, [, seconds]) => sum + Number(seconds), 0);
const rows: Array<[string, string, string]> = [...timings, ['total', total.toFixed(1), '']];
console.log(`\nnpm test phases:\n${rows.map(([name, seconds, outcome]) => `  ${name.padEnd(10)} ${seconds.padStart(6)} s  ${outcome}`).join('\n')}`);
process.exit(failed);
