import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { CSRF_HEADER, CSRF_HEADER_VALUE, type ErrorResponse } from '../../shared/index.js';
import { AuthBffError } from '../errors.js';
import { reasonOf } from '../flow/classify.js';
import type { Logger } from '../log.js';

export function sendError(res: Response, error: AuthBffError) {
  const body: ErrorResponse = { error: error.code, message: error.message };
  res.status(error.status).json(body);
}

/**
 * The CSRF rule (docs/design.md): fetch routes demand `x-csrf: 1`. A custom header
 * forces a CORS preflight, so another site cannot send it.
 */
export const requireCsrfHeader: RequestHandler = (req, res, next) => {
  if (req.get(CSRF_HEADER) === CSRF_HEADER_VALUE) return next();
  sendError(res, new AuthBffError('csrf_required', `This route needs the header "${CSRF_HEADER}: ${CSRF_HEADER_VALUE}".`));
};

/** Tokens and personal data must never sit in a shared or browser cache. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
  next();
};

export function methodNotAllowed(allowed: string): RequestHandler {
  return (_req, res) => {
    res.set('Allow', allowed);
    sendError(res, new AuthBffError('method_not_allowed', `Use ${allowed} on this route.`));
  };
}

/** JSON errors for fetch routes; a client's mistake is a 4xx, and only our own faults are a logged 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof AuthBffError) return sendError(res, error);
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendError(res, new AuthBffError('invalid_request', 'The request is malformed.'));
    }
    logger.error('request.error', { method: req.method, route: req.route?.path, reason: reasonOf(error) });
    sendError(res, new AuthBffError('internal_error', 'Something went wrong in the auth server.'));
  };
}
