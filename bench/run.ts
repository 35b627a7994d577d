/**
 * `npm run bench [-- --quick] [-- --only=a,b] [-- --record-baseline]`: runs every
 * benchmark in one go, prints the figures, and writes bench/RESULTS.md and the
 * chart bench/results.svg. Exits non-zero when a benchmark fails to run or the
 * client is over its budget; speed targets are reported, not enforced (the
 * machine is shared). To add a benchmark, write a suite returning a SuiteResult
 * and list it in SUITES. `npm run bench -- --soak [minutes]` runs the endurance
 * run instead (bench/soak/), which writes its own section of RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createBenchContext, type BenchContext } from './harness/context.js';
import { formatFigure, markdownReport, svgChart, verdict, type Baseline } from './harness/report.js';
import type { Figure, Section, SuiteResult } from './harness/results.js';
import { soak } from './soak/command.js';
import { SOAK_BEGIN, SOAK_END } from './soak/report.js';
import { clientSizeBench } from './suites/client-size.js';
import { loginBench } from './suites/login.js';
import { memoryBench } from './suites/memory.js';
import { proxyBench } from './suites/proxy.js';
import { refreshStormBench } from './suites/refresh-storm.js';
import { requireSessionBench } from './suites/require-session.js';
import { sessionCheckMemory, sessionCheckRedis } from './suites/session-check.js';

const SUITES: Record<string, (context: BenchContext) => Promise<SuiteResult>> = {
  'client-size': clientSizeBench,
  'session-memory': sessionCheckMemory,
  'session-redis': sessionCheckRedis,
  'require-session': requireSessionBench,
  proxy: proxyBench,
  memory: memoryBench,
  'refresh-storm': refreshStormBench,
  login: loginBench,
};

const PEERS = ['express', 'express-session', 'connect-redis', 'redis', 'passport', 'http-proxy-middleware', 'autocannon', 'ioredis', 'jose', 'oauth4webapi'];

const here = (file: string) => new URL(file, import.meta.url);

/** The Endurance section the last soak wrote, kept when the other figures are written again. */
const previousReport = await readFile(here('RESULTS.md'), 'utf8').catch(() => '');
const soakSection = previousReport.includes(SOAK_BEGIN) ? previousReport.slice(previousReport.indexOf(SOAK_BEGIN), previousReport.indexOf(SOAK_END) + SOAK_END.length) : undefined;

// `--soak` takes an optional number of minutes, which parseArgs cannot express: read it here.
const soakAt = process.argv.indexOf('--soak');
if (soakAt >= 0) {
  const given = process.argv[soakAt + 1];
  const minutes = given !== undefined && /^\d+(\.\d+)?$/.test(given) ? Number(given) : 60;
  process.exit(await soak(minutes, previousReport, here));
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'record-baseline': { type: 'boolean', default: false },
  },
});
const selected = values.only ? values.only.split(',') : Object.keys(SUITES);
for (const name of selected) if (!SUITES[name]) throw new Error(`no benchmark "${name}"; there are: ${Object.keys(SUITES).join(', ')}`);

async function versionOf(name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(here(`../node_modules/${name}/package.json`), 'utf8')) as { version: string };
  return manifest.version;
}

const baselineFile = here('baseline.json');
let baseline = await readFile(baselineFile, 'utf8').then((text) => JSON.parse(text) as Baseline, () => undefined);
const startLoad = loadavg().map((value) => value.toFixed(2)).join(', ');
const context = await createBenchContext({ quick: values.quick, baselineCommit: values['record-baseline'] ? undefined : baseline?.commit });
const redisVersion = /redis_version:(\S+)/.exec(String(await context.redis.info('server')))?.[1] ?? '?';
const figures: Figure[] = [];
const sections: Section[] = [];
const failures: string[] = [];
try {
  for (const name of selected) {
    const started = performance.now();
    process.stdout.write(`${name} ...`);
    try {
      const result = await (SUITES[name] as (context: BenchContext) => Promise<SuiteResult>)(context);
      figures.push(...result.figures);
      sections.push(...result.sections);
      if (result.failure) failures.push(result.failure);
      console.log(` ${((performance.now() - started) / 1000).toFixed(0)} s`);
      for (const figure of result.figures) console.log(`  ${figure.label}: ${formatFigure(figure)}`);
    } catch (error) {
      console.log(' FAILED');
      failures.push(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
} finally {
  await context.close();
}

if (values['record-baseline']) {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  baseline = {
    recordedAt: new Date().toISOString().slice(0, 10),
    commit,
    note: values.quick ? 'quick run' : 'full run',
    figures: { ...baseline?.figures, ...Object.fromEntries(figures.map((figure) => [figure.id, figure.value])) },
  };
  await writeFile(baselineFile, `${JSON.stringify(baseline, null, 2)}\n`);
}

const { load } = context;
const report = markdownReport(
  {
    date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    mode: values.quick ? 'quick run, `--quick`: short rounds' : 'full run',
    machine: `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, Redis ${redisVersion} on 127.0.0.1`,
    load: startLoad,
    versions: {
      node: process.version,
      'undici (in Node)': process.versions.undici ?? '?',
      'redis server': redisVersion,
      ...Object.fromEntries(await Promise.all(PEERS.map(async (name) => [name, await versionOf(name)] as const))),
    },
    method: [
      'Each server, the BFF and every peer, runs in its own child process (TypeScript through tsx, `NODE_ENV=production`), started by `bench/run.ts`; the load generator, the test OIDC provider and the scripted browsers run in the parent process.',
      `Load: autocannon, used programmatically from the parent, ${load.connections} connections, one request in flight on each; per contender a ${load.warmupSeconds} s warm-up (dropped), then ${load.rounds} rounds of ${load.seconds} s. The contenders take turns within a round, and each round starts with a different one.`,
      'Every answer under load must be a 2xx (a 401 would be fast and wrong); before loading, one request checks that each contender is logged in and answers the same bytes as its peer.',
      'Throughput figures are medians over the rounds, with the min-max range; a ratio is the median over the rounds of the bff-auth contender\'s requests per second over the peer\'s in the same round, with the range in brackets. "Server CPU µs/req" is the server process\'s `process.cpuUsage()` over a round divided by its requests; the CPU/req ratio is the peer\'s over ours (higher is better), less sensitive to other work on the machine.',
      'Sessions are real: each BFF is logged in through the test OIDC provider (`test/support/hostile-provider.ts`, well-behaved by default), and the peers are given the same user, profile and sealed tokens the BFF stored (read back from Redis after a login).',
    ],
  },
  figures,
  sections,
  baseline,
  failures,
);
await writeFile(here('RESULTS.md'), soakSection ? `${report.trimEnd()}\n\n${soakSection}\n` : report);
await writeFile(here('results.svg'), svgChart(figures));

console.log('\nfigure | baseline | now | goal | met');
for (const figure of figures) {
  const before = baseline?.figures[figure.id];
  const { goal, met } = verdict(figure);
  console.log(`${figure.label} | ${before === undefined ? '-' : formatFigure(figure, before)} | ${formatFigure(figure)} | ${goal} | ${met.replaceAll('*', '')}`);
}
for (const failure of failures) console.error(`\nFAIL: ${failure}`);
console.log('\nWrote bench/RESULTS.md and bench/results.svg');
process.exitCode = failures.length > 0 ? 1 : 0;
