import { runBrowsers, type Anomalies, type Outcome } from './load.js';
import type { ProcessSample } from './bff-node.js';
import { startSoakStage } from './stage.js';

/** One sample of the machine's state, every {@link SAMPLE_MS}. */
export interface StateSample {
  at: number;
  processes: Array<ProcessSample | undefined>;
  redisBytes: number | undefined;
  /** Keys in Redis: sessions, their indexes and locks. Memory that grows while this stays flat is Redis's own. */
  redisKeys: number | undefined;
}

export interface SoakRun {
  minutes: number;
  startedAt: number;
  browsers: number;
  /** When Sentinel was told to fail over, and when the BFF process was killed and back. */
  failoverAt: number;
  killAt: number;
  restartedAt: number;
  outcomes: Outcome[];
  samples: StateSample[];
  anomalies: Anomalies;
  /** Refresh tokens presented at the provider, and those presented more than once. */
  refreshes: number;
  refreshReuses: number;
  /** When the balancer reset a browser's connection because its BFF's answer broke after the head: such a browser sees status 0. */
  brokenOff: number[];
}

const SAMPLE_MS = 10_000;
const BROWSERS = 24;

const usedMemory = async (stage: Awaited<ReturnType<typeof startSoakStage>>) =>
  Number(/used_memory:(\d+)/.exec(await stage.redis.info('memory').catch(() => ''))?.[1] ?? Number.NaN) || undefined;

/**
 * `npm run bench -- --soak [minutes]`: the browsers run for `minutes` against two BFF processes on
 * Redis Sentinel; at 40% of the run Sentinel fails over, at 65% one BFF is killed (SIGKILL) and
 * started again. The process and Redis state is sampled every 10 s.
 */
export async function runSoak(minutes: number, log: (line: string) => void): Promise<SoakRun> {
  const stage = await startSoakStage();
  const outcomes: Outcome[] = [];
  const samples: StateSample[] = [];
  const startedAt = Date.now();
  const endsAt = startedAt + minutes * 60_000;
  const events = { failoverAt: 0, killAt: 0, restartedAt: 0 };
  try {
    const sample = async () => {
      // One process at a time: each answers on its own IPC channel.
      const processes: Array<ProcessSample | undefined> = [];
      for (const bff of stage.bffs) processes.push(await bff.sample());
      samples.push({ at: Date.now(), processes, redisBytes: await usedMemory(stage), redisKeys: await stage.redis.dbsize().catch(() => undefined) });
    };
    const sampler = setInterval(() => void sample(), SAMPLE_MS);
    const minuteLog = setInterval(() => {
      const last = outcomes.filter((outcome) => outcome.at > Date.now() - 60_000);
      const failures = last.filter((outcome) => outcome.status >= 500 || outcome.status === 0);
      const codes = [...new Set(failures.map((outcome) => `${outcome.status} ${outcome.code ?? ''}`))].join(', ');
      log(`  minute ${Math.round((Date.now() - startedAt) / 60_000)}: ${last.length} operations, ${failures.length} failed${codes && ` (${codes})`}`);
    }, 60_000);

    const schedule = async () => {
      await new Promise((resolve) => setTimeout(resolve, minutes * 60_000 * 0.4));
      events.failoverAt = Date.now();
      log('  Sentinel failover');
      await stage.failover();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + minutes * 60_000 * 0.65 - Date.now())));
      events.killAt = Date.now();
      log(`  SIGKILL ${stage.bffs[1]!.name}, then start it again`);
      await stage.bffs[1]!.kill();
      await stage.bffs[1]!.start();
      events.restartedAt = Date.now();
    };
    await sample();
    const [anomalies] = await Promise.all([
      runBrowsers({
        origin: stage.origin,
        idp: stage.idp,
        browsers: BROWSERS,
        until: () => Date.now() < endsAt,
        record: (outcome) => outcomes.push(outcome),
        killedAt: (at) => events.killAt > 0 && at >= events.killAt && (events.restartedAt === 0 || at <= events.restartedAt + 5_000),
      }),
      schedule().catch((error: unknown) => {
        log(`  the schedule failed: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }),
    ]);
    clearInterval(sampler);
    clearInterval(minuteLog);
    await sample();

    const presented = stage.idp.requests.filter((request) => request.path === '/token' && request.body.grant_type === 'refresh_token').map((request) => request.body.refresh_token);
    return {
      minutes,
      startedAt,
      browsers: BROWSERS,
      ...events,
      outcomes,
      samples,
      anomalies,
      refreshes: presented.length,
      refreshReuses: presented.length - new Set(presented).size,
      brokenOff: stage.brokenOff,
    };
  } finally {
    await stage.close();
  }
}
