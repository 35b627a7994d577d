import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../shared/index.js';
import { startChild, withChildren, type BenchChild } from '../harness/children.js';
import { REDIS_URL, type BenchContext } from '../harness/context.js';
import { alternatingRounds, probe, twiceTheRounds, type Contender } from '../harness/load.js';
import { logIn } from '../harness/login.js';
import { withBareAnswer } from '../harness/limit.js';
import { comparisonSection, limitFigure, ratioFigure, type SuiteResult } from '../harness/results.js';
import { PEER_LOGIN_ROUTE } from '../servers/express-session.js';

const SESSION_PATH = '/auth/session';

/** A logged-in `GET /auth/session`, as the SPA sends it. */
async function loggedInContender(name: string, child: BenchChild, cookie: string): Promise<Contender> {
  const contender = { name, child, request: { path: SESSION_PATH, headers: { cookie, [CSRF_HEADER]: CSRF_HEADER_VALUE } } };
  const { status, body } = await probe(contender);
  if (status !== 200 || !(JSON.parse(body) as { authenticated?: boolean }).authenticated) {
    throw new Error(`${name}: not logged in (${status} ${body})`);
  }
  return contender;
}

/** Logs a fresh session into an express-session peer with `content`; resolves with its cookie. */
export async function peerLogIn(peer: BenchChild, content: unknown): Promise<string> {
  const response = await fetch(peer.url + PEER_LOGIN_ROUTE, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(content),
  });
  const cookie = response.headers.getSetCookie()[0]?.split(';')[0];
  if (!response.ok || !cookie) throw new Error(`the peer login failed: ${response.status}`);
  return cookie;
}

/** Session check on the memory store: the mounted router and the standalone server against a plain Express route. */
export async function sessionCheckMemory(context: BenchContext): Promise<SuiteResult> {
  const bffOptions = { store: 'memory', provider: context.provider } as const;
  return withChildren(
    {
      mounted: () => startChild('bff', { server: 'mounted', ...bffOptions }),
      standalone: () => startChild('bff', { server: 'standalone', ...bffOptions }),
    },
    async (bffs) => {
      const mounted = await loggedInContender('bff-auth, auth.router mounted', bffs.mounted, await logIn(bffs.mounted.url));
      const standalone = await loggedInContender('bff-auth, standalone server', bffs.standalone, await logIn(bffs.standalone.url));
      const { body } = await probe(mounted);
      const plainChild = await startChild('plain-express', { path: SESSION_PATH, body: JSON.parse(body) });
      try {
        const plain = { name: 'plain Express route', child: plainChild, request: mounted.request };
        if ((await probe(plain)).body !== body) throw new Error('the plain route does not answer the same bytes');
        return await withBareAnswer(mounted, body, async (limit) => {
          const results = await alternatingRounds([mounted, standalone, plain, limit], twiceTheRounds(context.load));
          const against = (subject: string) => ({ subject, peer: plain.name, limit: limit.name });
          return {
            figures: [
              ratioFigure('session-memory-mounted', 'Session check, memory store, auth.router mounted, vs plain Express route', results, against(mounted.name), {
                atLeast: 1.0,
                byCpu: true,
              }),
              ratioFigure('session-memory-standalone', 'Session check, memory store, standalone server, vs plain Express route', results, against(standalone.name), {
                atLeast: 1.5,
              }),
              limitFigure('session-memory-standalone-limit', 'Session check, memory store, standalone server, share of the limit', results, standalone.name, limit.name, 0.7),
            ],
            sections: [
              comparisonSection(
                'Session check, memory store',
                `\`GET /auth/session\` with the session cookie and \`x-csrf: 1\` of a user logged in through the test OIDC provider (a real login), ` +
                  `against a plain Express 5 app whose route answers the same ${body.length} JSON bytes with \`res.json\`, and the limit: ` +
                  'a bare node:http server writing those bytes with one `writeHead` and `end`.',
                results,
                plain.name,
                limit.name,
              ),
            ],
          };
        });
      } finally {
        await plainChild.stop();
      }
    },
  );
}

/** Session check on Redis: the BFF against express-session + connect-redis serving the same user from the same Redis. */
export async function sessionCheckRedis(context: BenchContext): Promise<SuiteResult> {
  const content = await context.referenceContent();
  const bffOptions = (name: string) => ({ store: REDIS_URL, keyPrefix: context.redisPrefix(name), provider: context.provider });
  return withChildren(
    {
      mounted: () => startChild('bff', { server: 'mounted', ...bffOptions('mounted') }),
      standalone: () => startChild('bff', { server: 'standalone', ...bffOptions('standalone') }),
      peer: () => startChild('express-session', { store: { redisUrl: REDIS_URL, prefix: context.redisPrefix('connect-redis') }, passport: false }),
    },
    async (children) => {
      const mounted = await loggedInContender('bff-auth, auth.router mounted, Redis', children.mounted, await logIn(children.mounted.url));
      const standalone = await loggedInContender('bff-auth, standalone server, Redis', children.standalone, await logIn(children.standalone.url));
      const peer = await loggedInContender('express-session + connect-redis', children.peer, await peerLogIn(children.peer, content));
      return withBareAnswer(mounted, (await probe(mounted)).body, async (limit) => {
        const results = await alternatingRounds([mounted, standalone, peer, limit], context.load);
        const against = (subject: string) => ({ subject, peer: peer.name, limit: limit.name });
        return {
          figures: [
            ratioFigure('session-redis-mounted', 'Session check, Redis, auth.router mounted, vs express-session + connect-redis', results, against(mounted.name), { atLeast: 2.0 }),
            ratioFigure('session-redis-standalone', 'Session check, Redis, standalone server, vs express-session + connect-redis', results, against(standalone.name)),
          ],
          sections: [
            comparisonSection(
              'Session check, Redis store',
              'The same logged-in `GET /auth/session` with sessions in the same local Redis. The peer is express-session ' +
                '(resave and saveUninitialized off, its default rolling expiry through connect-redis `touch`) with connect-redis on the ' +
                '`redis` client, holding the same user, profile and sealed tokens as the BFF and answering the same JSON shape. ' +
                'The limit answers the same bytes from no store at all.',
              results,
              peer.name,
              limit.name,
            ),
          ],
        };
      });
    },
  );
}
