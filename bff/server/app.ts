import { IncomingMessage, ServerResponse, type OutgoingHttpHeaders, type RequestListener } from 'node:http';
import { Socket } from 'node:net';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { serverOptionsSchema } from '../config/schema.js';
import type { AuthBffConfig } from '../config/resolve.js';
import type { ProviderType } from '../providers/provider.js';
import { createAuthBff, type AuthBff } from '../create-auth-bff.js';
import { firstLayerAnswer } from '../routes/first-layer.js';
import { NO_STORE } from '../routes/respond.js';
import { firstLayerRoutesOf } from '../routes/router.js';
import { serveSpa } from './spa.js';

export interface ServerAppOptions {
  /** A built SPA to serve; unknown paths that ask for HTML get its `index.html` (client-side routes). */
  staticDir?: string;
}

/** The SPA's Content-Security-Policy unless the config's `server.contentSecurityPolicy` says otherwise, directive by directive. */
const DEFAULT_CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'https:', 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  // Avatars come from the providers.
  'img-src': ["'self'", 'data:', 'https:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", 'https:', "'unsafe-inline'"],
};

/**
 * Security headers for everything the standalone server answers (helmet): the
 * CSP, `X-Frame-Options: DENY`, `Referrer-Policy: strict-origin-when-cross-origin`
 * (the callback still says `no-referrer`), HSTS when the public origin is https.
 */
function securityHeaders(https: boolean, contentSecurityPolicy: false | Record<string, string[]> | undefined, frameSources: readonly string[]) {
  return helmet({
    contentSecurityPolicy:
      contentSecurityPolicy === false
        ? false
        : {
            useDefaults: false,
            directives: {
              ...DEFAULT_CSP,
              // The embeddable providers' login pages (WeChat's QR in `WeChatQrLogin`), and nothing else in a frame.
              ...(frameSources.length > 0 ? { 'frame-src': [...frameSources] } : {}),
              ...(https ? { 'upgrade-insecure-requests': [] } : {}),
              ...contentSecurityPolicy,
            },
          },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
}

/**
 * The headers a middleware that sets the same ones on every response sets,
 * recorded once on a blank response: helmet's, whose CSP has no nonce here, so
 * the first-layer routes get them without running helmet on every request.
 */
function headersSetBy(middleware: (req: IncomingMessage, res: ServerResponse, next: () => void) => void): OutgoingHttpHeaders {
  const req = new IncomingMessage(new Socket());
  const res = new ServerResponse(req);
  middleware(req, res, () => {});
  return res.getHeaders();
}

/**
 * The standalone server's app: the BFF routes plus, optionally, the SPA next to
 * them. `listener` is what the server runs: the session check and the API
 * proxies, the SPA's most frequent calls, are answered ahead of Express (with
 * the same security headers), everything else by `app`.
 */
export async function createServerApp(
  config: AuthBffConfig<readonly ProviderType[]>,
  options: ServerAppOptions = {},
): Promise<{ app: Express; auth: AuthBff; listener: RequestListener }> {
  const auth = createAuthBff(config);
  const app = express();
  app.disable('x-powered-by');
  // Valid already: createAuthBff checked the whole config.
  const { trustProxy, contentSecurityPolicy } = serverOptionsSchema.parse(config.server ?? {});
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  const security = securityHeaders(new URL(config.baseUrl).protocol === 'https:', contentSecurityPolicy, auth.embedOrigins);
  app.use(security);
  app.use(auth.router);
  if (options.staticDir !== undefined) app.use(await serveSpa(options.staticDir));
  const firstLayer = firstLayerRoutesOf(auth.router);
  const firstLayerHeaders = Object.freeze({ ...headersSetBy(security), ...NO_STORE });
  const listener: RequestListener = (req, res) => {
    const answer = firstLayerAnswer(firstLayer, req);
    if (answer) answer(res, firstLayerHeaders);
    else app(req, res);
  };
  return { app, auth, listener };
}
