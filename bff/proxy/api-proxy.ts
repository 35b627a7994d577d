import type { OutgoingHttpHeaders } from 'node:http';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { ApiProxyConfig } from '../config/api-proxy-schema.js';
import { AuthBffError } from '../errors.js';
import type { AccessTokens } from '../flow/access-tokens.js';
import type { FlowContext } from '../flow/context.js';
import { errorHandler, methodNotAllowed, noStore, requireCsrfHeader } from '../routes/respond.js';
import { createUpstreamCaller } from './upstream-call.js';
import { upstreamUrl } from './upstream-url.js';
import { queryOf } from '../routes/request-target.js';

/** Request headers worth passing on; the browser's cookies and the CSRF header stay here. */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'accept-encoding',
  'accept-language',
  'content-encoding',
  'content-length',
  'content-type',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'range',
  // GitHub's REST API refuses a request without one with 403 (docs.github.com, rest/using-the-rest-api/getting-started-with-the-rest-api#user-agent).
  'user-agent',
];

/**
 * Response headers passed back to the browser: what describes the answer, its
 * validators and the upstream's own rate-limit and auth challenges. Nothing
 * else, since the answer lands on the app's origin: no `set-cookie`,
 * `clear-site-data`, `content-security-policy`, `refresh`,
 * `strict-transport-security` or `access-control-*`. The body passes as it
 * came, so its encoding and length do too.
 */
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-encoding',
  'content-length',
  'content-language',
  'content-disposition',
  'content-range',
  'accept-ranges',
  'etag',
  'last-modified',
  'vary',
  'location',
  'link',
  'retry-after',
  'www-authenticate',
  'ratelimit',
  'ratelimit-policy',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
];

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The API proxy: a request under `path` goes to `target` plus the rest of the
 * path, with the session's access token for `provider` (refreshed when needed)
 * and without the browser's cookies. The CSRF rule applies; other methods get 405.
 */
export function createApiProxy(context: FlowContext, accessTokens: AccessTokens, api: ApiProxyConfig, httpTimeoutMs: number): Router {
  const callUpstream = createUpstreamCaller(httpTimeoutMs, MAX_BODY_BYTES);
  const methods = new Set<string>(api.methods);
  if (methods.has('GET')) methods.add('HEAD');

  const forward = async (req: Request, res: Response) => {
    const record = await context.sessions.read(req, res, { slide: true });
    if (!record) throw new AuthBffError('unauthenticated', `Sign in to use this API.`);
    // req.path is parsed, so an absolute-form request target ("GET http://host/api/x") yields its path, not "http://host/...".
    const url = upstreamUrl(api.target, req.path, queryOf(req));
    // Rejects with not_linked (403) when the session holds no tokens of this entry's provider.
    const headers: OutgoingHttpHeaders = { authorization: `Bearer ${await accessTokens.get(req, res, record, api.provider)}` };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    const upstream = await callUpstream({ url, headers, from: req, to: res });

    res.status(upstream.statusCode as number);
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = upstream.headers[name];
      if (value !== undefined) res.setHeader(name, value);
    }
    upstream.on('error', () => res.destroy()).pipe(res);
  };

  const parseCookies = cookieParser();
  const refuseMethod = methodNotAllowed([...methods].join(', '));
  const handleError = errorHandler(context.logger);
  // The checks run as one handler, not as a stack of router layers: on a proxied call, each layer costs more than the check it runs.
  const handle = (req: Request, res: Response, next: NextFunction) => {
    const fail = (error: unknown) => handleError(error, req, res, next);
    noStore(req, res, () =>
      parseCookies(req, res, (error?: unknown) =>
        error ? fail(error) : requireCsrfHeader(req, res, () => (methods.has(req.method) ? forward(req, res).catch(fail) : refuseMethod(req, res, next))),
      ),
    );
  };

  const router = express.Router();
  router.use(api.path, handle);
  return router;
}
