/**
 * `N=5 npm run test:repeat`: builds once, runs the whole vitest suite N times (default 5) and
 * lists every test that failed in at least one run, with the runs it failed in. Exits 1 if any did.
 * Arguments go to vitest: `N=20 npm run test:repeat -- test/bff/foo.test.ts` repeats one file.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** The parts of vitest's JSON reporter (Jest's format) read here. */
interface JsonReport {
  numTotalTests: number;
  testResults: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{ fullName: string; status: string }>;
  }>;
}

const runs = Number(process.env.N ?? 5);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`N must be a whole number of runs, not ${process.env.N}`);

async function run(command: string, args: string[]): Promise<number> {
  const child = spawn(command, args, { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code ?? 1;
}

if ((await run('npm', ['run', '--silent', 'build'])) !== 0) process.exit(1);

const dir = await mkdtemp(join(tmpdir(), 'bff-auth-repeat-'));
/** Each failing test (or file, when it failed outside a test) and the runs it failed in. */
const failures = new Map<string, number[]>();
const summaries: string[] = [];
try {
  for (let i = 1; i <= runs; i++) {
    const output = join(dir, `run-${i}.json`);
    const started = performance.now();
    await run('npx', ['vitest', 'run', '--reporter=dot', '--reporter=json', `--outputFile.json=${output}`, ...process.argv.slice(2)]);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    const report = JSON.parse(await readFile(output, 'utf8')) as JsonReport;
    let failed = 0;
    for (const file of report.testResults) {
      const path = relative(process.cwd(), file.name);
      const failedTests = file.assertionResults.filter((test) => test.status === 'failed').map((test) => `${path} > ${test.fullName}`);
      if (file.status === 'failed' && failedTests.length === 0) failedTests.push(`${path} (outside any test: ${(file.message ?? '').split('\n')[0]})`);
      for (const name of failedTests) failures.set(name, [...(failures.get(name) ?? []), i]);
      failed += failedTests.length;
    }
    summaries.push(`run ${i}: ${report.numTotalTests} tests, ${failed} failure(s), ${seconds} s`);
    console.log(`\n${summaries.at(-1)}\n`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

console.log(`\n${summaries.join('\n')}`);
if (failures.size === 0) {
  console.log(`\nNo test failed in ${runs} runs.`);
} else {
  console.log(`\n${failures.size} test(s) failed at least once:`);
  for (const [name, failedRuns] of failures) console.log(`  ${name}  (run ${failedRuns.join(', ')} of ${runs})`);
  process.exit(1);
}
