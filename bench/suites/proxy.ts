import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../shared/index.js';
import { startChild, withChildren } from '../harness/children.js';
import type { BenchContext } from '../harness/context.js';
import { alternatingRounds, probe, type Contender, type ContenderResult } from '../harness/load.js';
import { logIn } from '../harness/login.js';
import { comparisonSection, ratioFigure, type Figure, type Section, type SuiteResult } from '../harness/results.js';
import { PROXY_PATH } from '../servers/common.js';
import { UPSTREAM_BODY_BYTES } from '../servers/upstream.js';

const POST_BODY = JSON.stringify({ items: [], padding: 'y'.repeat(UPSTREAM_BODY_BYTES - 25) });

/** The API proxy against http-proxy-middleware with a keep-alive agent, both in front of the same local upstream. */
export async function proxyBench(context: BenchContext): Promise<SuiteResult> {
  const upstream = await startChild('upstream', {});
  try {
    return await withChildren(
      {
        bff: () => startChild('bff', { server: 'mounted', store: 'memory', provider: context.provider, proxyTarget: upstream.url }),
        hpm: () => startChild('hpm', { target: upstream.url }),
      },
      async (children) => {
        const cookie = await logIn(children.bff.url);
        const headers = { cookie, [CSRF_HEADER]: CSRF_HEADER_VALUE };
        const figures: Figure[] = [];
        const sections: Section[] = [];
        const cases = [
          { id: 'proxy-get', what: `GET, ${UPSTREAM_BODY_BYTES} B JSON answer`, request: { path: `${PROXY_PATH}/data`, headers }, expected: UPSTREAM_BODY_BYTES },
          {
            id: 'proxy-post',
            what: `POST of ${POST_BODY.length} B JSON, echoed back`,
            request: { path: `${PROXY_PATH}/echo`, method: 'POST' as const, headers: { ...headers, 'content-type': 'application/json' }, body: POST_BODY },
            expected: POST_BODY.length,
          },
        ];
        for (const { id, what, request, expected } of cases) {
          const bff: Contender = { name: `bff-auth proxy (${id})`, child: children.bff, request };
          const hpm: Contender = { name: `http-proxy-middleware (${id})`, child: children.hpm, request };
          for (const contender of [bff, hpm]) {
            const { status, body } = await probe(contender);
            if (status !== 200 || body.length !== expected) throw new Error(`${contender.name}: ${status}, ${body.length} bytes`);
          }
          const results: ContenderResult[] = await alternatingRounds([bff, hpm], context.load);
          figures.push(ratioFigure(id, `API proxy (${what}) vs keep-alive http-proxy-middleware`, results, bff.name, hpm.name, 1.2));
          sections.push(
            comparisonSection(
              `API proxy: ${what}`,
              `\`auth.proxy()\` mounted in an Express app, with a logged-in session (its access token is sent upstream), against ` +
                '`http-proxy-middleware` with a keep-alive `http.Agent`, both in front of the same local node:http upstream in its own process.',
              results,
              hpm.name,
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
