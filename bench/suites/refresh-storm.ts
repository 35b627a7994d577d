import { ensureBuilt } from '../../test/support/built-dist.js';
import { startHostileProvider } from '../../test/support/hostile-provider.js';
import { burst, loginWithExpiringToken, refreshGrants, startRefreshStormStage } from '../../test/support/refresh-storm.js';
import { sessionWithCookie } from '../../test/support/session-cookie.js';
import { REDIS_URL, type BenchContext } from '../harness/context.js';
import { int, type SuiteResult } from '../harness/results.js';

const CALLS = 100;

interface Storm {
  grants: number;
  ok: number;
  others: number[];
  kept: boolean;
  ms: number;
}

/**
 * The refresh storm of issue #9: one session whose access token is about to
 * expire, `CALLS` concurrent API calls split over two BFF processes on Redis,
 * the provider rotating refresh tokens. The stage and the calls are the
 * session-refresh test's (test/support/refresh-storm.ts).
 */
export async function refreshStormBench(context: BenchContext): Promise<SuiteResult> {
  // The BFF processes run the bin over dist/, as a user runs it: built from the sources as they are now.
  await ensureBuilt();
  const idp = await startHostileProvider();
  const stage = await startRefreshStormStage(idp, REDIS_URL, context.redisPrefix('refresh-storm'));
  const storms: Storm[] = [];
  try {
    for (let run = 0; run < (context.quick ? 1 : 3); run++) {
      const cookie = await loginWithExpiringToken(idp, stage.processes[0]!.origin);
      const before = refreshGrants(idp);
      const started = performance.now();
      const statuses = await Promise.all(burst(stage.processes, cookie, CALLS));
      const ms = performance.now() - started;
      const grants = refreshGrants(idp) - before;
      // Kept: both processes still answer the session, and calls after the storm need no further refresh.
      const sessions = await Promise.all(stage.processes.map((bff) => sessionWithCookie(bff.origin, cookie)));
      const after = await Promise.all(burst(stage.processes, cookie, stage.processes.length));
      const kept = sessions.every(({ body }) => body.authenticated === true) && after.every((status) => status === 200) && refreshGrants(idp) - before === grants;
      storms.push({ grants, ok: statuses.filter((status) => status === 200).length, others: statuses.filter((status) => status !== 200), kept, ms });
    }
  } finally {
    await stage.close();
    await idp.close();
  }
  // The worst storm stands for all: the most grants, the fewest 200s, any session lost.
  const worst = {
    grants: Math.max(...storms.map((storm) => storm.grants)),
    ok: Math.min(...storms.map((storm) => storm.ok)),
    kept: storms.every((storm) => storm.kept),
  };
  const label = `Refresh storm (${CALLS} concurrent calls of one session, two BFF processes, Redis)`;
  return {
    figures: [
      { id: 'refresh-storm-grants', label: `${label}: refresh grants at the provider`, value: worst.grants, unit: 'count', goal: { atLeast: 1, atMost: 1 } },
      { id: 'refresh-storm-ok', label: `${label}: 200 answers`, value: worst.ok, unit: 'count', goal: { atLeast: CALLS } },
      { id: 'refresh-storm-kept', label: `${label}: session kept`, value: worst.kept ? 1 : 0, unit: 'yes/no', goal: { atLeast: 1, atMost: 1 } },
    ],
    sections: [
      {
        title: 'Refresh storm',
        method:
          `A user logs in at BFF process A (standalone server, sessions in the local Redis) through the test provider, which rotates refresh tokens and gives an access token that is about to expire; ` +
          `then ${CALLS} proxied API calls with that session cookie go out at once, alternating between processes A and B. Counted: the refresh grants the provider saw, the 200 answers, ` +
          'and whether the session is kept (both processes still answer it, and two more calls answer 200 with no further refresh). Each storm is a fresh session; the figures above are the worst storm.',
        head: ['storm', 'refresh grants', '200 answers', 'other answers', 'session kept', 'all answered in'],
        rows: storms.map((storm, index) => [
          String(index + 1),
          String(storm.grants),
          `${storm.ok} of ${CALLS}`,
          storm.others.length === 0 ? 'none' : storm.others.join(', '),
          storm.kept ? 'yes' : 'no',
          `${int(storm.ms)} ms`,
        ]),
      },
    ],
  };
}
