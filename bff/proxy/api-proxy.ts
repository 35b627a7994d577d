import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import cookieParser from 'cookie-parser';
import express, { type Request, type Response, type Router } from 'express';
import type { ApiProxyConfig } from '../config/api-proxy-schema.js';
import { AuthBffError } from '../errors.js';
import type { AccessTokens } from '../flow/access-tokens.js';
import type { FlowContext } from '../flow/context.js';
import { createProviderFetch } from '../http/provider-fetch.js';
import { errorHandler, methodNotAllowed, noStore, requireCsrfHeader } from '../routes/respond.js';
import { upstreamUrl } from './upstream-url.js';

/** Request headers worth passing on; the browser's cookies and the CSRF header stay here. */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'accept-language',
  'content-type',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'range',
];

/**
 * Response headers passed back to the browser: what describes the answer, its
 * validators and the upstream's own rate-limit and auth challenges. Nothing
 * else, since the answer lands on the app's origin: no `set-cookie`,
 * `clear-site-data`, `content-security-policy`, `refresh`,
 * `strict-transport-security` or `access-control-*`. No `content-encoding` or
 * `content-length` either: fetch has already decoded the body.
 */
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
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

const MAX_BODY = '1mb';

/**
 * The API proxy: a request under `path` goes to `target` plus the rest of the
 * path, with the session's access token for `provider` (refreshed when needed)
 * and without the browser's cookies. The CSRF rule applies; other methods get 405.
 */
export function createApiProxy(context: FlowContext, accessTokens: AccessTokens, api: ApiProxyConfig, httpTimeoutMs: number): Router {
  // Upstream answers are streamed through, so they are not size-bounded like a provider's.
  const fetchUpstream = createProviderFetch(httpTimeoutMs, Number.POSITIVE_INFINITY);
  const methods = new Set<string>(api.methods);
  if (methods.has('GET')) methods.add('HEAD');

  const forward = async (req: Request, res: Response) => {
    const record = await context.sessions.read(req, res, { slide: true });
    if (!record || record.provider !== api.provider) {
      throw new AuthBffError('unauthenticated', `Sign in with ${api.provider} to use this API.`);
    }
    // req.path is parsed, so an absolute-form request target ("GET http://host/api/x") yields its path, not "http://host/...".
    const queryAt = req.url.indexOf('?');
    const url = upstreamUrl(api.target, req.path, queryAt < 0 ? '' : req.url.slice(queryAt));
    const headers = new Headers({ authorization: `Bearer ${await accessTokens.get(req, res, record)}` });
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.get(name);
      if (value !== undefined) headers.set(name, value);
    }
    const hasBody = Buffer.isBuffer(req.body) && req.body.length > 0;
    // Redirects are never followed: a 3xx goes to the browser as it is, and the token goes nowhere but `url`.
    const upstream = await fetchUpstream(url, {
      method: req.method,
      headers,
      body: hasBody ? new Uint8Array(req.body as Buffer) : undefined,
      redirect: 'manual',
    });

    res.status(upstream.status);
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    if (!upstream.body || req.method === 'HEAD') return res.end();
    Readable.fromWeb(upstream.body as ReadableStream).on('error', () => res.destroy()).pipe(res);
  };

  const routes = express.Router();
  routes.use(noStore, cookieParser(), requireCsrfHeader, (req, res, next) =>
    methods.has(req.method) ? next() : methodNotAllowed([...methods].join(', '))(req, res, next),
  );
  routes.use(express.raw({ type: () => true, limit: MAX_BODY }), forward);
  routes.use(errorHandler(context.logger));

  const router = express.Router();
  router.use(api.path, routes);
  return router;
}
