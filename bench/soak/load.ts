import { TestBrowser } from '../../test/support/browser.js';
import type { HostileProvider } from '../../test/support/hostile-provider.js';

/** What one operation of a simulated browser came to. */
export interface Outcome {
  at: number;
  kind: 'login' | 'check' | 'api' | 'logout' | 'backchannel';
  ms: number;
  /** HTTP status, or 0 when the request got no answer. */
  status: number;
  /** The error code of a failed answer (`session_store_unavailable`, `bad_gateway`...), or the network error's. */
  code?: string;
}

/** Sessions that were gone while their browser still held them, and logins that ended in no clear state. */
export interface Anomalies {
  lostSessions: number;
  /** Sessions whose browser had a request dropped by the killed process earlier in the visit. */
  lostToKill: number;
  halfDoneLogins: number;
  /** When each lost session was found gone, and how (`check`, `api`). */
  losses: Array<{ at: number; how: string }>;
}

const CSRF = { 'x-csrf': '1' };
const PROVIDER = 'bad';
/** An operation with no answer in this long has hung: it is counted as failed (`timeout`), never waited for. */
const OPERATION_MS = 20_000;

/** A small seeded generator, so that two runs of the soak make the same mix. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An answer read to its end: its status, its Location header and its body as JSON (undefined when it is not). */
interface Answer {
  status: number;
  location: string;
  json: { authenticated?: unknown; error?: unknown } | undefined;
}

async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: Answer['json'];
  try {
    json = JSON.parse(text) as Answer['json'];
  } catch {
    json = undefined;
  }
  return { status: response.status, location: response.headers.get('location') ?? '', json };
}

/**
 * Simulated browsers against `origin` until `until()` is false: each visit logs in through the
 * provider, checks its session and calls the proxied API a random number of times (the access
 * token expires within the visit, so calls refresh it), then logs out, or is logged out by the
 * provider's back-channel logout. Every operation is handed to `record`.
 */
export async function runBrowsers(options: {
  origin: string;
  idp: HostileProvider;
  browsers: number;
  until: () => boolean;
  record: (outcome: Outcome) => void;
  /** Whether a request was dropped by a killed process (a 502 from the balancer) at this time. */
  killedAt: (at: number) => boolean;
}): Promise<Anomalies> {
  const anomalies: Anomalies = { lostSessions: 0, lostToKill: 0, halfDoneLogins: 0, losses: [] };
  const { origin, idp, record } = options;

  /** Runs one operation with its deadline, reads its answer to the end and records it; undefined when it got none. */
  const timed = async (kind: Outcome['kind'], run: (signal: AbortSignal) => Promise<Response>): Promise<Answer | undefined> => {
    const at = Date.now();
    try {
      const signal = AbortSignal.timeout(OPERATION_MS);
      const answer = await read(await run(signal));
      const code = answer.status >= 400 ? (typeof answer.json?.error === 'string' ? answer.json.error : `http_${answer.status}`) : undefined;
      record({ at, kind, ms: Date.now() - at, status: answer.status, ...(code ? { code } : {}) });
      return answer;
    } catch (error) {
      const { name, cause } = error as { name?: string; cause?: { code?: string } };
      record({ at, kind, ms: Date.now() - at, status: 0, code: name === 'TimeoutError' ? 'timeout' : (cause?.code ?? 'network') });
      return undefined;
    }
  };

  const pause = (next: () => number) => new Promise((resolve) => setTimeout(resolve, 50 + next() * 100));

  async function visit(next: () => number): Promise<void> {
    const browser = new TestBrowser();
    let sid: string | undefined;
    let dropped = false;
    const login = await timed('login', async (signal) => {
      const atProvider = await browser.follow(`${origin}/auth/login/${PROVIDER}?returnTo=/home`, { stopAt: (url) => url.pathname.startsWith('/auth/callback/'), signal });
      if (!atProvider.stoppedAt) return atProvider.response;
      sid = idp.sidOf(new URL(atProvider.stoppedAt).searchParams.get('code') ?? '');
      const back = await browser.follow(atProvider.stoppedAt, { stopAt: (url) => url.origin === origin && url.pathname === '/home', signal });
      return back.response;
    });
    const location = login?.location ?? '';
    if (!login || !location.endsWith('/home')) {
      // A login that ended without a session must have ended in a clear error: an answer with a code, or the error redirect.
      if (!login || (login.status < 400 && !location.includes('auth_error='))) anomalies.halfDoneLogins++;
      return;
    }

    const lost = (how: string) => {
      if (dropped) anomalies.lostToKill++;
      else anomalies.lostSessions++;
      anomalies.losses.push({ at: Date.now(), how });
    };
    const operations = 30 + Math.floor(next() * 90);
    for (let i = 0; i < operations && options.until(); i++) {
      await pause(next);
      const api = next() < 0.4;
      const response = await timed(api ? 'api' : 'check', (signal) => browser.get(`${origin}${api ? '/api/soak/me' : '/auth/session'}`, { headers: CSRF, signal }));
      if (!response) continue;
      if (response.status === 502) dropped ||= options.killedAt(Date.now());
      if (response.status === 401 || (!api && response.status === 200 && response.json?.authenticated !== true)) return lost(`${api ? 'api' : 'check'} ${response.status} ${i}`);
    }

    if (next() < 0.6) {
      await timed('logout', (signal) => browser.post(`${origin}/auth/logout`, { headers: CSRF, signal }));
    } else if (sid !== undefined) {
      const token = await idp.signLogoutToken({ sid });
      await timed('backchannel', (signal) => fetch(`${origin}/auth/backchannel-logout/${PROVIDER}`, { method: 'POST', body: new URLSearchParams({ logout_token: token }), signal }));
    }
  }

  await Promise.all(
    Array.from({ length: options.browsers }, async (_, index) => {
      const next = random(index + 1);
      while (options.until()) await visit(next);
    }),
  );
  return anomalies;
}
