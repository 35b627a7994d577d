import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../shared/index.js';
import { startChild, withChildren, type BenchChild } from '../harness/children.js';
import type { BenchContext } from '../harness/context.js';
import { alternatingRounds, probe, twiceTheRounds, type Contender, type ContenderResult } from '../harness/load.js';
import { logIn } from '../harness/login.js';
import { LIMIT } from '../harness/limit.js';
import { comparisonSection, limitFigure, ratioFigure, type Figure, type Section, type SuiteResult } from '../harness/results.js';
import { PROXY_PATH } from '../servers/common.js';
import { UPSTREAM_BODY_BYTES } from '../servers/upstream.js';

const POST_BODY = JSON.stringify({ items: [], padding: 'y'.repeat(UPSTREAM_BODY_BYTES - 25) });

/**
 * The API proxy, mounted (`auth.proxy()`) and in the standalone server (`apis`),
 * against http-proxy-middleware with a keep-alive agent and against the limit
 * (a bare node:http keep-alive pipe), all in front of the same local upstream.
 */
export async function proxyBench(context: BenchContext): Promise<SuiteResult> {
  const upstream = await startChild('upstream', {});
  try {
    return await withChildren(
      {
        mounted: () => startChild('bff', { server: 'mounted', store: 'memory', provider: context.provider, proxyTarget: upstream.url }),
        standalone: () => startChild('bff', { server: 'standalone', store: 'memory', provider: context.provider, proxyTarget: upstream.url }),
        hpm: () => startChild('hpm', { target: upstream.url }),
        limit: () => startChild('bare-pipe', { target: upstream.url }),
        expressLimit: () => startChild('bare-pipe', { target: upstream.url, inExpress: true }),
      },
      async (children) => {
        const headersOf = (cookie: string) => ({ cookie, [CSRF_HEADER]: CSRF_HEADER_VALUE });
        const cookies = { mounted: await logIn(children.mounted.url), standalone: await logIn(children.standalone.url) };
        const figures: Figure[] = [];
        const sections: Section[] = [];
        const cases = [
          { id: 'proxy-get', what: `GET, ${UPSTREAM_BODY_BYTES} B JSON answer`, request: { path: `${PROXY_PATH}/data` }, expected: UPSTREAM_BODY_BYTES },
          {
            id: 'proxy-post',
            what: `POST of ${POST_BODY.length} B JSON, echoed back`,
            request: { path: `${PROXY_PATH}/echo`, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: POST_BODY },
            expected: POST_BODY.length,
          },
        ];
        for (const { id, what, request, expected } of cases) {
          const contender = (name: string, child: BenchChild, cookie = ''): Contender => ({
            name: `${name} (${id})`,
            child,
            request: { ...request, headers: { ...request.headers, ...headersOf(cookie) } },
          });
          const mounted = contender('bff-auth, auth.proxy() mounted', children.mounted, cookies.mounted);
          const standalone = contender('bff-auth, standalone server (apis)', children.standalone, cookies.standalone);
          const hpm = contender('http-proxy-middleware', children.hpm);
          const limit = contender(LIMIT, children.limit);
          const expressLimit = contender('bare pipe mounted in Express, no checks', children.expressLimit);
          const all = [mounted, standalone, hpm, limit, expressLimit];
          for (const each of all) {
            const { status, body } = await probe(each);
            if (status !== 200 || body.length !== expected) throw new Error(`${each.name}: ${status}, ${body.length} bytes`);
          }
          const results: ContenderResult[] = await alternatingRounds(all, twiceTheRounds(context.load));
          const against = (subject: string) => ({ subject, peer: hpm.name, limit: limit.name });
          figures.push(
            ratioFigure(id, `API proxy (${what}), auth.proxy() mounted, vs keep-alive http-proxy-middleware`, results, against(mounted.name), { atLeast: 1.2 }),
            ratioFigure(`${id}-standalone`, `API proxy (${what}), standalone server, vs keep-alive http-proxy-middleware`, results, against(standalone.name), {
              atLeast: 1.5,
            }),
          );
          figures.push(
            ratioFigure(`${id}-in-express`, `API proxy (${what}): the limit's node:http pipe mounted in Express, no checks (what Express costs a proxied call), vs http-proxy-middleware`, results, against(expressLimit.name)),
          );
          if (id === 'proxy-get') {
            figures.push(limitFigure(`${id}-standalone-limit`, `API proxy (${what}), standalone server, share of the limit`, results, standalone.name, limit.name, 0.7));
          }
          sections.push(
            comparisonSection(
              `API proxy: ${what}`,
              `\`auth.proxy()\` mounted in an Express app after \`auth.router\`, and the standalone server's \`apis\` entry, each with a logged-in session ` +
                '(its access token is sent upstream), against `http-proxy-middleware` with a keep-alive `http.Agent` mounted in an Express app, ' +
                'and the limit: a bare node:http server piping to the upstream over a keep-alive agent, with no checks and every header passed; ' +
                'the same pipe mounted in an Express app shows what Express alone costs each proxied call. ' +
                'All in front of the same local node:http upstream in its own process. bff-auth calls the upstream through undici, the peer and the limit through node:http.',
              results,
              hpm.name,
              limit.name,
            ),
          );
        }
        return { figures, sections };
      },
    );
  } finally {
    await upstream.stop();
  }
}
