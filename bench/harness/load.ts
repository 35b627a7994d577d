import autocannon from 'autocannon';
import type { BenchChild } from './children.js';
import { spread, type Spread } from './stats.js';

export interface LoadRequest {
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** One side of a comparison: a server in its own process and the request it is loaded with. */
export interface Contender {
  name: string;
  child: BenchChild;
  request: LoadRequest;
}

export interface LoadSettings {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

export interface RoundSample {
  requestsPerSecond: number;
  /** CPU time of the server's process (user + system, all threads) per request. */
  cpuMicrosPerRequest: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

export interface ContenderResult {
  name: string;
  samples: RoundSample[];
  requestsPerSecond: Spread;
  cpuMicrosPerRequest: Spread;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

/** One request as the load generator will send it, for checking the answer before loading. */
export async function probe(contender: Contender): Promise<{ status: number; body: string }> {
  const { path, method = 'GET', headers = {}, body } = contender.request;
  const response = await fetch(contender.child.url + path, { method, headers, body });
  return { status: response.status, body: await response.text() };
}

async function loadOnce({ name, child, request }: Contender, settings: LoadSettings, seconds: number): Promise<RoundSample> {
  const cpuBefore = await child.call<number>('cpuMicros');
  const result = await autocannon({
    url: child.url + request.path,
    method: request.method ?? 'GET',
    headers: request.headers,
    body: request.body,
    connections: settings.connections,
    duration: seconds,
  });
  const cpu = (await child.call<number>('cpuMicros')) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${name}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  const requests = result.requests.total;
  return {
    requestsPerSecond: requests / result.duration,
    cpuMicrosPerRequest: cpu / requests,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}

/**
 * Twice the rounds, for a comparison of contenders mounted in Express: they
 * spread widely from round to round (0.7-1.6x their peer within one run on
 * 2026-12-06), and their medians with them.
 */
export const twiceTheRounds = (settings: LoadSettings): LoadSettings => ({ ...settings, rounds: settings.rounds * 2 });

/**
 * The same load on each contender in turn, round after round; each round
 * starts with a different contender, so a slow spell of the machine does not
 * always hit the same one. A warm-up run per contender comes first and is dropped.
 */
export async function alternatingRounds(contenders: readonly Contender[], settings: LoadSettings): Promise<ContenderResult[]> {
  for (const contender of contenders) await loadOnce(contender, settings, settings.warmupSeconds);
  const samples = contenders.map((): RoundSample[] => []);
  for (let round = 0; round < settings.rounds; round++) {
    for (let turn = 0; turn < contenders.length; turn++) {
      const index = (round + turn) % contenders.length;
      samples[index]?.push(await loadOnce(contenders[index] as Contender, settings, settings.seconds));
    }
  }
  return contenders.map(({ name }, index) => {
    const own = samples[index] ?? [];
    return {
      name,
      samples: own,
      requestsPerSecond: spread(own.map((sample) => sample.requestsPerSecond)),
      cpuMicrosPerRequest: spread(own.map((sample) => sample.cpuMicrosPerRequest)),
      latencyP50Ms: spread(own.map((sample) => sample.latencyP50Ms)).median,
      latencyP99Ms: spread(own.map((sample) => sample.latencyP99Ms)).median,
    };
  });
}
