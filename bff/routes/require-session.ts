import type { Request, RequestHandler, Response } from 'express';
import { AuthBffError } from '../errors.js';
import type { AccessTokens } from '../flow/access-tokens.js';
import type { Sessions } from '../session/sessions.js';
import { linkedProviders } from '../session/store.js';
import './request-auth.js';
import type { RequestAuth } from './request-auth.js';
import { requireCsrfHeader, sendError } from './respond.js';

export type ReadSession = (req: Request, res: Response) => Promise<RequestAuth | null>;

/**
 * `auth.readSession`: the request's session as `req.auth` would hold it, or
 * null. It only reads (extending the idle timeout), so it demands no CSRF
 * header: for server-rendered pages and routes that work signed in or out.
 */
export function sessionReader(sessions: Sessions, accessTokens: AccessTokens): ReadSession {
  return async (req, res) => {
    const view = await sessions.view(req, res, { slide: true });
    if (!view) return null;
    const { data } = view;
    return {
      user: data.user,
      provider: data.provider,
      linked: linkedProviders(data),
      // Derived on demand: most requests never ask.
      get handle() {
        return sessions.handleOf(view.key);
      },
      expiresAt: view.idleExpiresAt,
      profile: data.profile,
      sessionData: data.sessionData,
      clientData: data.clientData,
      accessToken: (provider?: string) => accessTokens.get(req, res, data, provider),
    };
  };
}

/** Runs `read`, answering its `AuthBffError` (a store that is down) as JSON and passing anything else to Express. */
function withSession(read: ReadSession, use: (auth: RequestAuth | null, req: Request, res: Response) => boolean): RequestHandler {
  return async (req, res, next) => {
    try {
      if (!use(await read(req, res), req, res)) return;
    } catch (error) {
      if (error instanceof AuthBffError) return sendError(res, error);
      return next(error);
    }
    next();
  };
}

/**
 * Guards the app's own fetch routes: the CSRF rule, then 401 JSON (never a
 * redirect) without a session; with one, `req.auth` holds the user and
 * hands out the access token for the provider's APIs. One handler, so that
 * `app.get(path, auth.requireSession(), (req, res) => ...)` types its callback.
 */
export function requireSession(read: ReadSession): RequestHandler {
  const check = withSession(read, (auth, req, res) => {
    if (!auth) {
      sendError(res, new AuthBffError('unauthenticated', 'Sign in to use this route.'));
      return false;
    }
    req.auth = auth;
    return true;
  });
  return (req, res, next) => requireCsrfHeader(req, res, () => check(req, res, next));
}

/** Sets `req.auth` when the request has a session and goes on either way; no CSRF header demanded (it only reads). */
export function optionalSession(read: ReadSession): RequestHandler {
  return withSession(read, (auth, req) => {
    if (auth) req.auth = auth;
    return true;
  });
}
