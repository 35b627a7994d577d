import type { ContenderResult } from './load.js';
import { spread } from './stats.js';

/** The bounds a figure must keep within (both the same: exactly that). */
export interface Goal {
  atLeast?: number;
  atMost?: number;
  /** A throughput ratio's goal judged by server CPU per request (`cpuRatio`), not by requests per second. */
  byCpu?: boolean;
}

/** One reported figure; those with a goal are the targets. */
export interface Figure {
  /** Stable key: the baseline is recorded under it. */
  id: string;
  label: string;
  value: number;
  /** `yes/no`: 1 or 0. */
  /** `share`: a fraction of the machine's limit. */
  unit: 'x' | 'share' | 'B' | 'µs' | '/s' | 'count' | 'yes/no';
  goal?: Goal;
  /** Shown in the SVG chart of ratios. */
  chart?: boolean;
  /** For a throughput ratio: the same comparison by server CPU time per request (the peer's over ours). */
  cpuRatio?: number;
  /** For a throughput ratio: ours and the peer's requests per second as a share of the machine's limit, measured in the same rounds. */
  limitShare?: { subject: number; peer: number };
}

export interface Section {
  title: string;
  /** How it was measured, in a sentence or three. */
  method: string;
  head: string[];
  rows: string[][];
}

export interface SuiteResult {
  figures: Figure[];
  sections: Section[];
  /** Why the run must fail (a budget exceeded), when it must. */
  failure?: string;
}

/** A whole number as the report prints it: rounded, with thousands separators. */
export const int = (value: number) => Math.round(value).toLocaleString('en-US');
export const bytes = (value: number) => `${int(value)} B`;
const fixed = (value: number, digits = 2) => value.toFixed(digits);

/**
 * The throughput ratio of `subject` to `peer`: the median of the per-round ratios
 * (each round measures both back to back, so a slow spell of the machine
 * weighs on both), and their range; and the ratio of CPU time per request.
 */
export function ratioOf(results: readonly ContenderResult[], subject: string, peer: string) {
  const find = (name: string) => {
    const found = results.find((result) => result.name === name);
    if (!found) throw new Error(`no contender ${name}`);
    return found;
  };
  const [a, b] = [find(subject), find(peer)];
  const rounds = spread(a.samples.map((sample, round) => sample.requestsPerSecond / (b.samples[round]?.requestsPerSecond ?? Number.NaN)));
  return {
    ratio: rounds.median,
    rounds,
    cpuRatio: b.cpuMicrosPerRequest.median / a.cpuMicrosPerRequest.median,
  };
}

/**
 * The figure of a throughput comparison, charted, with its goal when it is a
 * target, and both contenders' shares of the `limit` contender when one ran.
 */
export function ratioFigure(
  id: string,
  label: string,
  results: readonly ContenderResult[],
  contenders: { subject: string; peer: string; limit?: string },
  goal?: Goal,
): Figure {
  const { subject, peer, limit } = contenders;
  const { ratio, cpuRatio } = ratioOf(results, subject, peer);
  const limitShare = limit === undefined ? undefined : { subject: ratioOf(results, subject, limit).ratio, peer: ratioOf(results, peer, limit).ratio };
  return { id, label, value: ratio, unit: 'x', chart: true, cpuRatio, ...(goal ? { goal } : {}), ...(limitShare ? { limitShare } : {}) };
}

/** The figure of a contender's throughput as a share of the machine's limit, measured in the same rounds. */
export function limitFigure(id: string, label: string, results: readonly ContenderResult[], subject: string, limit: string, atLeast: number): Figure {
  return { id, label, value: ratioOf(results, subject, limit).ratio, unit: 'share', goal: { atLeast } };
}

/** A table of contenders, with each one's ratio to `peer` and, when a `limit` contender ran, its share of it. */
export function comparisonSection(title: string, method: string, results: readonly ContenderResult[], peer: string, limit?: string): Section {
  return {
    title,
    method,
    head: [
      'contender',
      'req/s (median)',
      'req/s min-max',
      'server CPU µs/req',
      'p50 / p99 ms',
      `vs ${peer}: req/s ratio (rounds)`,
      'CPU/req ratio',
      ...(limit === undefined ? [] : [`share of the limit (${limit})`]),
    ],
    rows: results.map((result) => {
      const { ratio, rounds, cpuRatio } = ratioOf(results, result.name, peer);
      const share = limit === undefined ? [] : [result.name === limit ? '1 (limit)' : fixed(ratioOf(results, result.name, limit).ratio)];
      return [
        result.name,
        int(result.requestsPerSecond.median),
        `${int(result.requestsPerSecond.min)}-${int(result.requestsPerSecond.max)}`,
        int(result.cpuMicrosPerRequest.median),
        `${fixed(result.latencyP50Ms, 0)} / ${fixed(result.latencyP99Ms, 0)}`,
        result.name === peer ? '1 (peer)' : `**${fixed(ratio)}** (${fixed(rounds.min)}-${fixed(rounds.max)})`,
        result.name === peer ? '1' : fixed(cpuRatio),
        ...share,
      ];
    }),
  };
}
