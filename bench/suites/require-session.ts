import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../shared/index.js';
import { startChild, withChildren } from '../harness/children.js';
import type { BenchContext } from '../harness/context.js';
import { alternatingRounds, probe, type Contender } from '../harness/load.js';
import { logIn } from '../harness/login.js';
import { withBareAnswer } from '../harness/limit.js';
import { comparisonSection, ratioFigure, type SuiteResult } from '../harness/results.js';
import { APP_ROUTE } from '../servers/common.js';
import { peerLogIn } from './session-check.js';

/** An app's JSON route behind `requireSession()` against the same route behind express-session + passport. */
export async function requireSessionBench(context: BenchContext): Promise<SuiteResult> {
  const content = await context.referenceContent();
  return withChildren(
    {
      bff: () => startChild('bff', { server: 'mounted', store: 'memory', provider: context.provider }),
      peer: () => startChild('express-session', { store: 'memory', passport: true }),
    },
    async (children) => {
      const request = (cookie: string) => ({ path: APP_ROUTE, headers: { cookie, [CSRF_HEADER]: CSRF_HEADER_VALUE } });
      const bff: Contender = { name: 'requireSession() + route', child: children.bff, request: request(await logIn(children.bff.url)) };
      const peer: Contender = {
        name: 'express-session + passport + route',
        child: children.peer,
        request: request(await peerLogIn(children.peer, content)),
      };
      const [ours, theirs] = [await probe(bff), await probe(peer)];
      if (ours.status !== 200 || ours.body !== theirs.body) throw new Error(`the app routes answer differently: ${ours.body} / ${theirs.body}`);
      return withBareAnswer(bff, ours.body, async (limit) => {
        const results = await alternatingRounds([bff, peer, limit], context.load);
        return {
          figures: [
            ratioFigure('require-session', 'requireSession() + JSON route vs express-session + passport', results, { subject: bff.name, peer: peer.name, limit: limit.name }, { atLeast: 1.5 }),
          ],
          sections: [
            comparisonSection(
              'requireSession() + an app route, memory store',
              `\`GET ${APP_ROUTE}\` answering \`{"user": ...}\` (${ours.body.length} bytes, the same in both) behind \`auth.requireSession()\`, ` +
                'against the same route behind express-session (MemoryStore, resave and saveUninitialized off) and ' +
                '`passport.session()`, whose user is the same session content (serialized whole, so deserializing costs no lookup). ' +
                'The limit answers the same bytes with no framework and no session.',
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
