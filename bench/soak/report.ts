import type { Outcome } from './load.js';
import type { ProcessSample } from './bff-node.js';
import type { SoakRun, StateSample } from './run.js';

/** A gap this long without a failed request closes a failure window. */
const WINDOW_GAP_MS = 5_000;
const MIB = 1024 * 1024;
/** The pass line of issue #19: heap and RSS grow by less than 1 MiB per 10 minutes after warm-up. */
const SLOPE_LIMIT_MIB_PER_10_MIN = 1;

export interface Verdict {
  criterion: string;
  value: string;
  pass: boolean | undefined;
}

export interface MinuteRow {
  minute: number;
  opsPerSecond: number;
  p50: number;
  p99: number;
  errors: Record<string, number>;
  heapMiB: Array<number | undefined>;
  heapTotalMiB: Array<number | undefined>;
  /** {@link heapTotalMiB} by V8 space: RSS follows what V8 holds, and this says which part grew. */
  heldMiB: Array<ProcessSample['held'] | undefined>;
  externalMiB: Array<number | undefined>;
  rssMiB: Array<number | undefined>;
  sockets: Array<number | undefined>;
  timers: Array<number | undefined>;
  fds: Array<number | undefined>;
  redisMiB: number | undefined;
  redisKeys: number | undefined;
}

const failed = (outcome: Outcome) => outcome.status >= 500 || outcome.status === 0;
/**
 * When a request failed: when its answer (or its error) came, not when it was sent. A request in
 * flight at the SIGKILL was sent before the kill window opens, and fails inside it.
 */
const failedAt = (outcome: Outcome) => outcome.at + outcome.ms;
/** Each distinct label with how often it occurs, in order of first occurrence: "minute 30: check 0 ECONNRESET x4, ...". */
function tally(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts].map(([label, count]) => `${label} x${count}`).join(', ');
}

/** The minute of the run (from 1) that `at` falls in. */
const minuteOf = (run: SoakRun, at: number) => Math.floor((at - run.startedAt) / 60_000) + 1;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** The end of the run of failures that starts within a gap of `from`, each within a gap of the last; `from` when none. */
function windowEnd(failures: number[], from: number): number {
  let end = from;
  for (const at of failures) if (at >= from && at - end < WINDOW_GAP_MS) end = at;
  return end;
}

/**
 * The share of the run before the slopes are measured. Each process's bounded caches (2,048 decoded
 * sessions and their store keys, 1,000 opened token sets) fill at the soak's load in about 17
 * minutes: in the 30-minute run recorded on 2026-12-05 the heap after a full collection rose until
 * minute 17 and then stayed within 0.3 MiB. A third of the default hour is past that.
 */
const WARMUP_SHARE = 1 / 3;

/** Steady samples must span this long for a slope to mean anything (GC and load swing more over a shorter span). */
const SLOPE_SPAN_MS = 10 * 60_000;

/** Least-squares slope of `values` over `times`, per 10 minutes; undefined over less than {@link SLOPE_SPAN_MS}. */
function slopePer10Min(points: Array<[time: number, value: number]>): number | undefined {
  if (points.length < 2 || points.at(-1)![0] - points[0]![0] < SLOPE_SPAN_MS) return undefined;
  const n = points.length;
  const meanT = points.reduce((sum, [t]) => sum + t, 0) / n;
  const meanV = points.reduce((sum, [, v]) => sum + v, 0) / n;
  const num = points.reduce((sum, [t, v]) => sum + (t - meanT) * (v - meanV), 0);
  const den = points.reduce((sum, [t]) => sum + (t - meanT) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 600_000;
}

const resource = (sample: StateSample, index: number, kind: string) => sample.processes[index]?.resources[kind] ?? 0;

export function analyse(run: SoakRun): { verdicts: Verdict[]; rows: MinuteRow[]; failoverWindowMs: number; killWindowMs: number; warmupMs: number } {
  const failures = run.outcomes.filter(failed).map(failedAt).sort((a, b) => a - b);
  const failoverEnd = windowEnd(failures, run.failoverAt);
  const killEnd = Math.max(windowEnd(failures, run.killAt), run.restartedAt);
  const inWindow = (at: number) => (at >= run.failoverAt && at <= failoverEnd) || (at >= run.killAt && at <= killEnd);
  const outside = run.outcomes.filter((outcome) => failed(outcome) && !inWindow(failedAt(outcome)));
  /** The failures outside the windows by minute, operation and answer: a status 0 is a connection that failed, and its operation says which hop. */
  const outsideDetail = tally(outside.map((outcome) => `minute ${minuteOf(run, failedAt(outcome))}: ${outcome.kind} ${outcome.status} ${outcome.code ?? ''}`.trim()));
  /** A status 0 on a session check or an API call is either the balancer's reset (its BFF's answer broke after the head) or a failure of the hop to the balancer itself. */
  const brokenOffDetail = tally(run.brokenOff.map((at) => `minute ${minuteOf(run, at)}`));

  const warmupMs = run.minutes * 60_000 * WARMUP_SHARE;
  const processes = run.samples[0]?.processes.length ?? 0;
  const steady = (index: number) =>
    run.samples.filter((sample) => sample.at >= run.startedAt + warmupMs && sample.processes[index] && !(index === 1 && sample.at >= run.killAt && sample.at < run.restartedAt + warmupMs));
  const slopes = (pick: (sample: StateSample, index: number) => number) =>
    Array.from({ length: processes }, (_, index) => slopePer10Min(steady(index).map((sample) => [sample.at, pick(sample, index)])));
  const slopeVerdict = (criterion: string, values: Array<number | undefined>, limit: number, unit: string): Verdict => ({
    criterion,
    value: values.map((value, index) => `process ${index + 1}: ${value === undefined ? 'n/a' : `${round(value, 2)} ${unit}`}`).join(', '),
    pass: values.some((value) => value === undefined) ? undefined : values.every((value) => value! < limit),
  });

  const verdicts: Verdict[] = [
    { criterion: 'no session lost (but those the kill ended mid-request, counted)', value: `${run.anomalies.lostSessions} lost, ${run.anomalies.lostToKill} ended by the kill`, pass: run.anomalies.lostSessions === 0 },
    { criterion: 'no login left half-done', value: String(run.anomalies.halfDoneLogins), pass: run.anomalies.halfDoneLogins === 0 },
    { criterion: 'no refresh token presented (or granted) twice', value: `${run.refreshReuses} of ${run.refreshes} refreshes`, pass: run.refreshReuses === 0 },
    {
      criterion: 'no 5xx outside the failover and kill windows',
      value: `${outside.length} outside${outsideDetail && ` (${outsideDetail})`}; failover window ${((failoverEnd - run.failoverAt) / 1000).toFixed(1)} s, kill window ${((killEnd - run.killAt) / 1000).toFixed(1)} s; the balancer reset ${run.brokenOff.length} browser connections after a BFF's answer broke past its head${brokenOffDetail && ` (${brokenOffDetail})`}`,
      pass: outside.length === 0,
    },
    slopeVerdict('heap flat after warm-up (< 1 MiB per 10 min)', slopes((sample, index) => (sample.processes[index]?.heapUsed ?? 0) / MIB), SLOPE_LIMIT_MIB_PER_10_MIN, 'MiB/10 min'),
    slopeVerdict('RSS flat after warm-up (< 1 MiB per 10 min)', slopes((sample, index) => (sample.processes[index]?.rss ?? 0) / MIB), SLOPE_LIMIT_MIB_PER_10_MIN, 'MiB/10 min'),
    slopeVerdict('no growth in sockets (< 1 per 10 min)', slopes((sample, index) => resource(sample, index, 'TCPSocketWrap')), 1, '/10 min'),
    slopeVerdict('no growth in timers (< 1 per 10 min)', slopes((sample, index) => resource(sample, index, 'Timeout')), 1, '/10 min'),
  ];

  const rows: MinuteRow[] = [];
  for (let minute = 0; minute < Math.ceil(run.minutes); minute++) {
    const from = run.startedAt + minute * 60_000;
    const inMinute = run.outcomes.filter((outcome) => outcome.at >= from && outcome.at < from + 60_000);
    const latencies = inMinute.map((outcome) => outcome.ms).sort((a, b) => a - b);
    const errors: Record<string, number> = {};
    for (const outcome of inMinute.filter((each) => each.status >= 400 || each.status === 0)) {
      const key = `${outcome.status} ${outcome.code ?? ''}`.trim();
      errors[key] = (errors[key] ?? 0) + 1;
    }
    const last = run.samples.filter((sample) => sample.at < from + 60_000).at(-1);
    /** What `pick` reads of each process's last sample in the minute (undefined where there is none). */
    const perProcess = <T>(pick: (process: ProcessSample) => T | undefined) =>
      Array.from({ length: processes }, (_, index) => {
        const sample = last?.processes[index];
        return sample ? pick(sample) : undefined;
      });
    const mib = (bytes: number) => round(bytes / MIB);
    rows.push({
      minute: minute + 1,
      opsPerSecond: round(inMinute.length / 60),
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      errors,
      heapMiB: perProcess((sample) => mib(sample.heapUsed)),
      heapTotalMiB: perProcess((sample) => mib(sample.heapTotal)),
      heldMiB: perProcess(({ held }) => ({ new: mib(held.new), old: mib(held.old), code: mib(held.code) })),
      externalMiB: perProcess((sample) => mib(sample.external)),
      rssMiB: perProcess((sample) => mib(sample.rss)),
      sockets: perProcess((sample) => sample.resources.TCPSocketWrap),
      timers: perProcess((sample) => sample.resources.Timeout),
      fds: perProcess((sample) => sample.fds),
      redisMiB: last?.redisBytes === undefined ? undefined : mib(last.redisBytes),
      redisKeys: last?.redisKeys,
    });
  }
  return { verdicts, rows, failoverWindowMs: failoverEnd - run.failoverAt, killWindowMs: killEnd - run.killAt, warmupMs };
}

export const SOAK_BEGIN = '<!-- soak:begin -->';
export const SOAK_END = '<!-- soak:end -->';

const cell = (values: Array<number | undefined>) => values.map((value) => (value === undefined ? '-' : String(value))).join(' / ');
/** New, old and code space held, for each process: `new + old + code ; new + old + code`. */
const heldCell = (row: MinuteRow) => row.heldMiB.map((held) => (held ? `${held.new} + ${held.old} + ${held.code}` : '-')).join(' ; ');

/** The `## Endurance` section of bench/RESULTS.md, between its markers. */
export function soakMarkdown(run: SoakRun, analysis: ReturnType<typeof analyse>, meta: { date: string; load: string }): string {
  const mark = (pass: boolean | undefined) => (pass === undefined ? 'n/a (run too short)' : pass ? 'yes' : '**no**');
  return [
    SOAK_BEGIN,
    '## Endurance (issue #19)',
    '',
    `Written by \`npm run bench -- --soak ${run.minutes}\` on ${meta.date}. Load average when it started: ${meta.load}. ${run.browsers} simulated browsers (each visit: a login, 30-120 session checks and proxied API calls 50-150 ms apart, the access token expiring within the visit so that calls refresh it, then a logout or a back-channel logout) through a round-robin balancer to two standalone BFF processes on Redis behind Sentinel. Sentinel failed over in minute ${minuteOf(run, run.failoverAt)}; process 2 was killed (SIGKILL) and started again in minute ${minuteOf(run, run.killAt)}. Warm-up: the first ${Math.round(analysis.warmupMs / 1000)} s (and as long after the restart, for process 2).`,
    '',
    '![Per minute](soak.svg)',
    '',
    '| criterion | measured | pass |',
    '| --- | --- | --- |',
    ...analysis.verdicts.map((verdict) => `| ${verdict.criterion} | ${verdict.value} | ${mark(verdict.pass)} |`),
    '',
    'Per minute (process 1 / process 2; heap after a full collection: used, and what V8 holds for it, in all and for its new space, old space and code; external: Buffers and the like):',
    '',
    '| minute | ops/s | p50 / p99 ms | errors by code | heap MiB | heap held MiB | new + old + code held MiB | external MiB | RSS MiB | sockets | timers | fds | Redis MiB | Redis keys |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...analysis.rows.map(
      (row) =>
        `| ${row.minute} | ${row.opsPerSecond} | ${row.p50} / ${row.p99} | ${Object.entries(row.errors).map(([code, count]) => `${code}: ${count}`).join(', ') || '-'} | ${cell(row.heapMiB)} | ${cell(row.heapTotalMiB)} | ${heldCell(row)} | ${cell(row.externalMiB)} | ${cell(row.rssMiB)} | ${cell(row.sockets)} | ${cell(row.timers)} | ${cell(row.fds)} | ${row.redisMiB ?? '-'} | ${row.redisKeys ?? '-'} |`,
    ),
    SOAK_END,
  ].join('\n');
}

/** Three small line charts over the minutes: operations per second, p99 latency, and each process's heap. */
export function soakSvg(rows: MinuteRow[]): string {
  const width = 720;
  const panel = 140;
  const x = (index: number) => 60 + (index * (width - 80)) / Math.max(1, rows.length - 1);
  const chart = (top: number, title: string, series: Array<{ values: Array<number | undefined>; color: string }>) => {
    const max = Math.max(1, ...series.flatMap(({ values }) => values.filter((value): value is number => value !== undefined)));
    const y = (value: number) => top + panel - 20 - (value / max) * (panel - 40);
    const lines = series.map(({ values, color }) => {
      const points = values.flatMap((value, index) => (value === undefined ? [] : [`${x(index).toFixed(1)},${y(value).toFixed(1)}`]));
      return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`;
    });
    return `<text x="10" y="${top + 14}" font-size="12">${title} (max ${round(max)})</text><line x1="60" y1="${top + panel - 20}" x2="${width - 20}" y2="${top + panel - 20}" stroke="#999"/>${lines.join('')}`;
  };
  const perProcess = (pick: (row: MinuteRow) => Array<number | undefined>) =>
    [0, 1].map((index) => ({ values: rows.map((row) => pick(row)[index]), color: index === 0 ? '#4f46e5' : '#d97706' }));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${panel * 3 + 20}" font-family="sans-serif">`,
    chart(0, 'operations per second, by minute', [{ values: rows.map((row) => row.opsPerSecond), color: '#4f46e5' }]),
    chart(panel, 'p99 latency, ms', [{ values: rows.map((row) => row.p99), color: '#dc2626' }]),
    chart(panel * 2, 'heap MiB after GC, process 1 (blue) and 2 (orange)', perProcess((row) => row.heapMiB)),
    `<text x="60" y="${panel * 3 + 12}" font-size="11">minutes 1-${rows.length}</text>`,
    '</svg>',
  ].join('');
}
