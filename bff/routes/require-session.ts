import type { RequestHandler } from 'express';
import { AuthBffError } from '../errors.js';
import type { AccessTokens } from '../flow/access-tokens.js';
import { Sessions } from '../session/sessions.js';
import './request-auth.js';
import { requireCsrfHeader, sendError } from './respond.js';

/**
 * Guards the app's own fetch routes: the CSRF rule, then 401 JSON (never a
 * redirect) without a session; with one, `req.auth` holds the user and
 * hands out the access token for the provider's APIs. One handler, so that
 * `app.get(path, auth.requireSession(), (req, res) => ...)` types its callback.
 */
export function requireSession(sessions: Sessions, accessTokens: AccessTokens): RequestHandler {
  const check: RequestHandler = async (req, res, next) => {
    try {
      const view = await sessions.view(req, res, { slide: true });
      if (!view) return sendError(res, new AuthBffError('unauthenticated', 'Sign in to use this route.'));
      const { data } = view;
      req.auth = {
        user: data.user,
        provider: data.provider,
        // Derived on demand: most requests never ask.
        get handle() {
          return sessions.handleOf(view.key);
        },
        expiresAt: view.idleExpiresAt,
        profile: data.profile,
        accessToken: () => accessTokens.get(req, res, Sessions.record(view)),
      };
    } catch (error) {
      if (error instanceof AuthBffError) return sendError(res, error);
      return next(error);
    }
    next();
  };
  return (req, res, next) => requireCsrfHeader(req, res, () => check(req, res, next));
}
