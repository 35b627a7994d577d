import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ApiProxyConfig } from '../config/api-proxy-schema.js';
import { AuthBffError } from '../errors.js';
import type { AccessTokens } from '../flow/access-tokens.js';
import type { FlowContext } from '../flow/context.js';
import type { FirstLayerRoute } from '../routes/first-layer.js';
import { asAuthBffError, csrfRequired, hasCsrfHeader, methodRefused, sendError } from '../routes/respond.js';
import { mountPathMatcher, type BelowMount } from '../routes/mount-path.js';
import { createUpstreamCaller } from './upstream-call.js';
import { upstreamUrl } from './upstream-url.js';

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
const FORWARDED_RESPONSE_HEADERS = new Set([
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
]);

/**
 * The forwarded fields that are lists (RFC 9110 §5.3): repeated, each line is
 * passed on. Any other field repeated passes its first value only, as node's
 * own parser does: a browser would read two `Content-Type`s as the last one
 * it can parse (Fetch, "extract a MIME type").
 */
const LIST_RESPONSE_HEADERS = new Set(['content-encoding', 'content-language', 'accept-ranges', 'vary', 'link', 'www-authenticate', 'ratelimit', 'ratelimit-policy']);

const MAX_BODY_BYTES = 1024 * 1024;

/** The browser's response head: `answerHeaders` and the upstream's headers that pass. */
function answerHead(answerHeaders: Readonly<OutgoingHttpHeaders>, upstream: IncomingHttpHeaders): OutgoingHttpHeaders {
  const head: OutgoingHttpHeaders = { ...answerHeaders };
  // The upstream's few fields, looked up in the allowlist, rather than the allowlist looked up in them.
  for (const name of Object.keys(upstream)) {
    if (!FORWARDED_RESPONSE_HEADERS.has(name)) continue;
    const value = upstream[name];
    head[name] = Array.isArray(value) && !LIST_RESPONSE_HEADERS.has(name) ? value[0] : value;
  }
  return head;
}

/**
 * The API proxy: a request under `path` goes to `target` plus the rest of the
 * path, with the session's access token for `provider` (refreshed when needed)
 * and without the browser's cookies. The CSRF rule applies; other methods get
 * 405. A first-layer route: the router, or the standalone server ahead of
 * Express, answers it on node's own request and response.
 */
export function createApiProxy(context: FlowContext, accessTokens: AccessTokens, api: ApiProxyConfig, httpTimeoutMs: number): FirstLayerRoute {
  const callUpstream = createUpstreamCaller(httpTimeoutMs, MAX_BODY_BYTES);
  const methods = new Set<string>(api.methods);
  if (methods.has('GET')) methods.add('HEAD');
  const allowed = [...methods].join(', ');
  const below = mountPathMatcher(api.path);

  const forward = async (req: IncomingMessage, res: ServerResponse, answerHeaders: Readonly<OutgoingHttpHeaders>, { pathname, query }: BelowMount) => {
    if (!hasCsrfHeader(req)) throw csrfRequired();
    if (!methods.has(req.method as string)) throw methodRefused(res, allowed);
    const view = await context.sessions.view(req, res, { slide: true });
    if (!view) throw new AuthBffError('unauthenticated', `Sign in to use this API.`);
    const url = upstreamUrl(api.target, pathname, query);
    // Rejects with not_linked (403) when the session holds no tokens of this entry's provider.
    const upstreamHeaders: Record<string, string | string[]> = { authorization: `Bearer ${await accessTokens.get(req, res, view.data, api.provider)}` };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (value !== undefined) upstreamHeaders[name] = value;
    }
    await callUpstream({ url, headers: upstreamHeaders, from: req, to: res, head: (upstream) => answerHead(answerHeaders, upstream) });
  };

  const answer = (req: IncomingMessage, res: ServerResponse, headers: Readonly<OutgoingHttpHeaders>, target: BelowMount) =>
    forward(req, res, headers, target).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendError(res, asAuthBffError(error, context.logger, { method: req.method, route: api.path }), headers);
    });

  return (req) => {
    const target = below(req.url as string);
    return target && ((res, headers) => void answer(req, res, headers, target));
  };
}
