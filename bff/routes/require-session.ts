import cookieParser from 'cookie-parser';
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
  const parseCookies = cookieParser();
  const check: RequestHandler = async (req, res, next) => {
    try {
      const record = await sessions.read(req, res, { slide: true });
      if (!record) return sendError(res, new AuthBffError('unauthenticated', 'Sign in to use this route.'));
      req.auth = {
        user: record.user,
        provider: record.provider,
        expiresAt: Sessions.expiresAt(record),
        profile: record.profile,
        accessToken: () => accessTokens.get(req, res, record),
      };
    } catch (error) {
      if (error instanceof AuthBffError) return sendError(res, error);
      return next(error);
    }
    next();
  };
  return (req, res, next) =>
    parseCookies(req, res, (error?: unknown) => (error ? next(error) : requireCsrfHeader(req, res, () => check(req, res, next))));
}
