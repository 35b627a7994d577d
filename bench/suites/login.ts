import { startChild, withChildren, type BenchChild } from '../harness/children.js';
import type { BenchContext } from '../harness/context.js';
import { logIn } from '../harness/login.js';
import type { ProfileSummary } from '../harness/profile.js';
import { int, type Figure, type SuiteResult } from '../harness/results.js';
import { spread } from '../harness/stats.js';

/** Browsers logging in at once. */
const CONCURRENCY = 8;

/** Logs in from CONCURRENCY browsers until `seconds` have passed; resolves with how many logins completed. */
async function loginsFor(bff: BenchChild, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let logins = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await logIn(bff.url);
        logins++;
      }
    }),
  );
  return logins;
}

interface LoginRound {
  cpuMicrosPerLogin: number;
  loginsPerSecond: number;
}

async function loginRound(bff: BenchChild, seconds: number): Promise<LoginRound> {
  const cpuBefore = await bff.call<number>('cpuMicros');
  const started = performance.now();
  const logins = await loginsFor(bff, seconds);
  const elapsed = (performance.now() - started) / 1000;
  return { cpuMicrosPerLogin: ((await bff.call<number>('cpuMicros')) - cpuBefore) / logins, loginsPerSecond: logins / elapsed };
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/**
 * Full logins through the test OIDC provider: the BFF's own CPU time per login
 * and where it goes. With a baseline tree (the code the baseline was recorded
 * on), the baseline's BFF runs too, in alternating rounds, for a same-run speed-up.
 */
export async function loginBench(context: BenchContext): Promise<SuiteResult> {
  const { rounds, seconds } = context.quick ? { rounds: 3, seconds: 2 } : { rounds: 5, seconds: 3 };
  const options = { server: 'standalone', store: 'memory', provider: context.provider } as const;
  const baseline = context.baselineTree;
  const bffs: Record<string, () => Promise<BenchChild>> = { now: () => startChild('bff', options) };
  if (baseline) bffs[`baseline (${baseline.commit})`] = () => startChild('bff', { ...options, root: baseline.directory });
  return withChildren(bffs, async (children) => {
    const sides = Object.entries(children).map(([name, child]) => ({ name, child, rounds: [] as LoginRound[] }));
    for (const side of sides) await loginsFor(side.child, 1);
    for (let round = 0; round < rounds; round++) {
      for (let turn = 0; turn < sides.length; turn++) {
        const side = sides[(round + turn) % sides.length];
        side?.rounds.push(await loginRound(side.child, seconds));
      }
    }

    const [now, before] = sides.map((side) => ({
      ...side,
      cpu: spread(side.rounds.map((round) => round.cpuMicrosPerLogin)),
      rate: spread(side.rounds.map((round) => round.loginsPerSecond)),
    }));
    if (!now) throw new Error('no login rounds');
    await now.child.call('profileStart');
    await loginsFor(now.child, context.quick ? 2 : 4);
    const profile = await now.child.call<ProfileSummary>('profileStop');
    const top = profile.bySelf[0];
    const figures: Figure[] = [
      { id: 'login-cpu', label: `BFF CPU per login (top cost: ${top ? `${top.name}, ${percent(top.share)} of it` : 'n/a'})`, value: now.cpu.median, unit: 'µs' },
      { id: 'logins-per-second', label: 'Logins per second (the BFF, the test provider and the browsers on the same machine)', value: now.rate.median, unit: '/s' },
    ];
    if (before) {
      const speedups = spread(now.rounds.map((round, index) => (before.rounds[index]?.cpuMicrosPerLogin ?? Number.NaN) / round.cpuMicrosPerLogin));
      figures.push({ id: 'login-cpu-speedup', label: `BFF CPU per login: baseline code / now, same run (${speedups.min.toFixed(2)}-${speedups.max.toFixed(2)})`, value: speedups.median, unit: 'x', goal: { atLeast: 2 }, chart: true });
    }
    return {
      figures,
      sections: [
        {
          title: 'Logins',
          method:
            `${CONCURRENCY} scripted browsers log in over and over through the standalone BFF (memory store) and the test OIDC provider ` +
            '(authorization redirect with PKCE and nonce, code exchange with an RS256 ID token checked against the JWKS, userinfo, session), ' +
            `${rounds} rounds of ${seconds} s after a 1 s warm-up. CPU is the BFF process's own \`process.cpuUsage()\` (user + system, all threads) ` +
            'over a round divided by its logins; the provider and the browsers run in the parent process. ' +
            (before
              ? `The BFF code of the baseline commit ${baseline?.commit} (extracted from git into a temporary directory) runs in the same rounds, taking turns.`
              : 'No baseline code to compare with in this run (no baseline recorded, or the BFF code has not changed since).'),
          head: ['BFF code', 'CPU per login (median)', 'min-max', 'logins/s (median)'],
          rows: (before ? [now, before] : [now]).map((side) => [side.name, `${int(side.cpu.median)} µs`, `${int(side.cpu.min)}-${int(side.cpu.max)} µs`, int(side.rate.median)]),
        },
        {
          title: 'Where a login\'s CPU goes',
          method:
            'A CPU profile of the current BFF (inspector, 200 µs sampling) over more logins: self time by package or module, by function ' +
            '(natives count for their JS caller; `jobPromise/(anonymous)` in node:crypto is WebCrypto), then the share of samples with a frame of each bff-auth ' +
            'file on the synchronous stack (work resumed after an `await` is not counted for its caller). The samples are of the main thread while ' +
            'not idle, so on a busy machine time spent descheduled in a socket write shows as `writevGeneric`; WebCrypto work on libuv\'s thread ' +
            'pool is in the CPU figure above but not here.',
          head: ['self time in', 'share'],
          rows: [
            ...profile.bySelf.slice(0, 8).map(({ name, share }) => [name, percent(share)]),
            ['**function**', ''],
            ...profile.byFunction.slice(0, 6).map(({ name, share }) => [name, percent(share)]),
            ['**bff-auth file on the stack**', ''],
            ...profile.byBffFile.slice(0, 6).map(({ name, share }) => [name, percent(share)]),
          ],
        },
      ],
    };
  });
}
