import type { RequestHandler } from 'express';
import type { ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { sessionResponse, type AuthBff } from 'bff-auth/bff';
import { AuthProvider } from 'bff-auth/client';

/** `app` (your tree below `<AuthProvider>`) rendered on the server, signed in or out; `script` hydrates it (hydrate.tsx). */
export function serverRenderedPage(auth: AuthBff, app: ReactElement, script: string): RequestHandler {
  return async (req, res) => {
    // The body GET /auth/session would answer, so the page renders signed in (or out) at once.
    const initialSession = sessionResponse(await auth.readSession(req, res));
    const html = renderToString(<AuthProvider initialSession={initialSession}>{app}</AuthProvider>);
    // The same session goes to the browser as JSON; "<" escaped, so that no value can end the script element.
    const json = JSON.stringify(initialSession).replaceAll('<', '\\u003c');
    res.send(
      `<!doctype html><meta charset="utf-8"><div id="root">${html}</div>` +
        `<script id="initial-session" type="application/json">${json}</script><script type="module" src="${script}"></script>`,
    );
  };
}
