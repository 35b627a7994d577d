import type { ContenderResult } from './load.js';
import { spread } from './stats.js';

/** The bounds a figure must keep within (both the same: exactly that). */
export interface Goal {
  atLeast?: number;
  atMost?: number;
}

/** One reported figure; those with a goal are the targets. */
export interface Figure {
  /** Stable key: the baseline is recorded under it. */
  id: string;
  label: string;
  value: number;
  /** `yes/no`: 1 or 0. */
  unit: 'x' | 'B' | 'µs' | '/s' | 'count' | 'yes/no';
  goal?: Goal;
  /** Shown in the SVG chart of ratios. */
  chart?: boolean;
  /** For a throughput ratio: the same comparison by server CPU time per request (the peer's over ours). */
  cpuRatio?: number;
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

/** The figure of a throughput comparison, charted, with its goal when it is a target. */
export function ratioFigure(id: string, label: string, results: readonly ContenderResult[], subject: string, peer: string, atLeast?: number): Figure {
  const { ratio, cpuRatio } = ratioOf(results, subject, peer);
  return { id, label, value: ratio, unit: 'x', chart: true, cpuRatio, ...(atLeast === undefined ? {} : { goal: { atLeast } }) };
}

/** A table of contenders, the last column each one's ratio to `peer`. */
export function comparisonSection(title: string, method: string, results: readonly ContenderResult[], peer: string): Section {
  return {
    title,
    method,
    head: ['contender', 'req/s (median)', 'req/s min-max', 'server CPU µs/req', 'p50 / p99 ms', `vs ${peer}: req/s ratio (rounds)`, 'CPU/req ratio'],
    rows: results.map((result) => {
      const { ratio, rounds, cpuRatio } = ratioOf(results, result.name, peer);
      return [
        result.name,
        int(result.requestsPerSecond.median),
        `${int(result.requestsPerSecond.min)}-${int(result.requestsPerSecond.max)}`,
        int(result.cpuMicrosPerRequest.median),
        `${fixed(result.latencyP50Ms, 0)} / ${fixed(result.latencyP99Ms, 0)}`,
        result.name === peer ? '1 (peer)' : `**${fixed(ratio)}** (${fixed(rounds.min)}-${fixed(rounds.max)})`,
        result.name === peer ? '1' : fixed(cpuRatio),
      ];
    }),
  };
}
