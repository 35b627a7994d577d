import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ROUTES } from '../../shared/index.js';
import type { Logger } from '../log.js';
import type { Sessions, SessionView } from '../session/sessions.js';
import { linkedProviders } from '../session/store.js';
import { sessionResponse } from './session-response.js';
import { asAuthBffError, csrfRequired, hasCsrfHeader, NO_STORE, sendError, writeJson } from './respond.js';

const SIGNED_OUT: string = JSON.stringify(sessionResponse(null));

/**
 * `GET {basePath}/session`, the SPA's most frequent call, on node's own request
 * and response, so the router answers it in its first layer and the standalone
 * server ahead of Express. The same rules as every fetch route: `no-store`, the
 * CSRF header, JSON errors. Other spellings of the path (a trailing slash, other
 * case) and HEAD fall through to the Express route, which answers the same.
 */
export function sessionRoute(sessions: Sessions, basePath: string, logger: Logger) {
  const path = basePath + ROUTES.session;
  /** The body up to `expiresAt`, per decoded session data: one per version of a session, never reused across versions. */
  const bodyStarts = new WeakMap<SessionView['data'], string>();
  const bodyOf = (view: SessionView) => {
    let start = bodyStarts.get(view.data);
    if (start === undefined) {
      const { user, provider, clientData } = view.data;
      // expiresAt comes last in the body: everything before it is cached, the number appended per read.
      const body = JSON.stringify(sessionResponse({ user, provider, linked: linkedProviders(view.data), clientData, expiresAt: 0 }));
      start = body.slice(0, body.lastIndexOf(':') + 1);
      bodyStarts.set(view.data, start);
    }
    return `${start}${view.idleExpiresAt}}`;
  };

  return {
    matches(req: IncomingMessage): boolean {
      if (req.method !== 'GET' || req.url === undefined) return false;
      const queryAt = req.url.indexOf('?');
      return (queryAt < 0 ? req.url : req.url.slice(0, queryAt)) === path;
    },

    /** Answers with `headers` (a first layer's, see first-layer.ts) besides its own. */
    async answer(req: IncomingMessage, res: ServerResponse, headers: Readonly<OutgoingHttpHeaders> = NO_STORE): Promise<void> {
      try {
        if (!hasCsrfHeader(req)) throw csrfRequired();
        const view = await sessions.view(req, res, { slide: slides(req.url ?? '') });
        writeJson(res, 200, view ? bodyOf(view) : SIGNED_OUT, headers);
      } catch (error) {
        sendError(res, asAuthBffError(error, logger, { method: req.method, route: ROUTES.session }), headers);
      }
    },
  };
}

/** A read extends the idle timeout unless the query says `slide=false` (as Express's simple query parser reads it). */
function slides(url: string): boolean {
  const queryAt = url.indexOf('?');
  if (queryAt < 0) return true;
  const values = new URLSearchParams(url.slice(queryAt + 1)).getAll('slide');
  return !(values.length === 1 && values[0] === 'false');
}
