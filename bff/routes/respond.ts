import type { IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { CSRF_HEADER, CSRF_HEADER_VALUE, type ErrorResponse } from '../../shared/index.js';
import { AuthBffError } from '../errors.js';
import { reasonOf } from '../flow/classify.js';
import type { Logger } from '../log.js';

/**
 * A JSON answer written straight to node's response, with `headers` besides
 * those set already: no ETag (the answers are `no-store`), and usable ahead of Express.
 */
export function writeJson(res: ServerResponse, status: number, body: string, headers: Readonly<OutgoingHttpHeaders> = {}) {
  for (const name in headers) res.setHeader(name, headers[name] as OutgoingHttpHeader);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

export function sendError(res: ServerResponse, error: AuthBffError, headers?: Readonly<OutgoingHttpHeaders>) {
  const body: ErrorResponse = { error: error.code, message: error.message };
  writeJson(res, error.status, JSON.stringify(body), headers);
}

/**
 * The CSRF rule (docs/design.md): fetch routes demand `x-csrf: 1`. A custom header
 * forces a CORS preflight, so another site cannot send it.
 */
export const hasCsrfHeader = (req: IncomingMessage) => req.headers[CSRF_HEADER] === CSRF_HEADER_VALUE;

export const csrfRequired = () => new AuthBffError('csrf_required', `This route needs the header "${CSRF_HEADER}: ${CSRF_HEADER_VALUE}".`);

export const requireCsrfHeader: RequestHandler = (req, res, next) => {
  if (hasCsrfHeader(req)) return next();
  sendError(res, csrfRequired());
};

/**
 * The navigation routes' half of the CSRF rule: login and callback are top-level navigations
 * (a form_post callback included), and a browser says so with `Sec-Fetch-Dest: document` (Fetch
 * Metadata, https://w3c.github.io/webappsec-fetch-metadata/). A request it marks as anything else
 * (another page's `<img>`, `<script>`, frame or fetch) is refused before the rate limit counts
 * it, so no page can spend its visitors' login quota. No header (curl, server-side fetch, older
 * browsers) passes. A plain 403 with no redirect: there is no page to carry `?auth_error`.
 */
export const requireTopLevelNavigation: RequestHandler = (req, res, next) => {
  const destination = req.headers['sec-fetch-dest'];
  if (destination === undefined || destination === 'document') return next();
  sendError(res, new AuthBffError('csrf_required', 'This route takes only a top-level navigation (Sec-Fetch-Dest: document).'));
};

/** Tokens and personal data must never sit in a shared or browser cache: the headers that say so, for a `writeHead`. */
export const NO_STORE: Readonly<Record<string, string>> = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export const noStore: RequestHandler = (_req, res, next) => {
  for (const [name, value] of Object.entries(NO_STORE)) res.setHeader(name, value);
  next();
};

/** Refuses a method, naming those the route takes in `Allow`. */
export function methodRefused(res: ServerResponse, allowed: string): AuthBffError {
  res.setHeader('Allow', allowed);
  return new AuthBffError('method_not_allowed', `Use ${allowed} on this route.`);
}

export function methodNotAllowed(allowed: string): RequestHandler {
  return (_req, res) => sendError(res, methodRefused(res, allowed));
}

/** A request's failure as the error it answers: a client's mistake is a 4xx, and only our own faults are a logged 500. */
export function asAuthBffError(error: unknown, logger: Logger, request: { method?: string; route?: string }): AuthBffError {
  if (error instanceof AuthBffError) return error;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) return new AuthBffError('invalid_request', 'The request is malformed.');
  logger.error('request.error', { ...request, reason: reasonOf(error) });
  return new AuthBffError('internal_error', 'Something went wrong in the auth server.');
}

/** JSON errors for fetch routes (see `asAuthBffError`). */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    sendError(res, asAuthBffError(error, logger, { method: req.method, route: (req.route as { path?: string } | undefined)?.path }));
  };
}
