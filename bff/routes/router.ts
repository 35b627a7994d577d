import cookieParser from 'cookie-parser';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { EMBED_PATH, ROUTES, type EmbedResponse, type ProviderInfo } from '../../shared/index.js';
import { AuthBffError } from '../errors.js';
import { backchannelLogout } from '../flow/backchannel-logout.js';
import type { BackgroundTasks } from '../flow/background.js';
import type { FlowContext } from '../flow/context.js';
import { beginEmbeddedLogin, beginLogin, completeLogin, providerFor } from '../flow/login.js';
import { logout } from '../flow/logout.js';
import { loginLocation } from '../flow/return-to.js';
import type { LoginRateLimit } from './login-rate-limit.js';
import { queryOf } from './request-target.js';
import { errorHandler, methodNotAllowed, noStore, requireCsrfHeader, requireTopLevelNavigation } from './respond.js';
import { sessionRoute } from './session-route.js';
import { firstLayerHandler, type FirstLayerRoute } from './first-layer.js';
import { mountPathMatcher } from './mount-path.js';
import { sendErrorPage } from './pages/error-page.js';

/** Marks a login sent on to baseUrl's host, so a proxy that rewrites Host cannot make it loop. */
const HOST_REDIRECTED_PARAM = 'hostRedirected';

const firstLayers = new WeakMap<RequestHandler, readonly FirstLayerRoute[]>();

/** The first-layer routes of a router `createRouter` made, for the standalone server to answer ahead of Express. */
export const firstLayerRoutesOf = (router: RequestHandler): readonly FirstLayerRoute[] => firstLayers.get(router) ?? [];

/**
 * The BFF's routes (docs/design.md, the HTTP contract), mounted under the base
 * path, and the `apis` proxies. Each parses, calls the flow, answers. One
 * handler, not an Express router: every request of the app it is mounted in
 * passes it, and a router's dispatch would cost those it does not take more
 * than the first-layer routes cost the ones it does.
 */
export function createRouter(
  context: FlowContext,
  background: BackgroundTasks,
  providers: readonly ProviderInfo[],
  rateLimit: LoginRateLimit,
  apiProxies: readonly FirstLayerRoute[],
): RequestHandler {
  const routes = express.Router();
  routes.use(noStore, cookieParser());
  const providerOf = (req: Request) => context.providers.get(String(req.params.provider));

  // A fetch (the page's iframe login), so ahead of the navigation rules below, which match it as a
  // prefix of the login route; counted in the logins' bucket, after the CSRF rule.
  routes
    .route(`${ROUTES.login}:provider${EMBED_PATH}`)
    .get(requireCsrfHeader, rateLimit.middleware('login', 'json'), async (req: Request, res: Response) => {
      const provider = providerOf(req);
      if (!provider) throw new AuthBffError('unknown_provider', 'No provider with this id is configured.');
      const body: EmbedResponse = { url: await beginEmbeddedLogin(context, provider, req, res) };
      res.json(body);
    })
    .all(methodNotAllowed('GET'));

  routes.use([`${ROUTES.login}:provider`, `${ROUTES.callback}:provider`], requireTopLevelNavigation);
  routes.use(`${ROUTES.login}:provider`, rateLimit.middleware('login'));
  routes.use(`${ROUTES.callback}:provider`, rateLimit.middleware('callback'));

  routes.get(`${ROUTES.login}:provider`, async (req: Request, res: Response) => {
    // The transaction cookie must be set on the host the provider returns to (baseUrl's), or the
    // callback finds none: send a login opened on another name (127.0.0.1 for localhost, www. for
    // the bare domain) there first. Behind a proxy, `trust proxy` makes req.host the public host.
    // No Host at all (HTTP/1.0 allows it) counts as another host.
    const host: string | undefined = req.host;
    if (host?.toLowerCase() !== context.baseUrl.host) {
      // Once only: behind a proxy that rewrites Host, the second arrival is on baseUrl already.
      if (req.query[HOST_REDIRECTED_PARAM] === undefined) {
        // The parsed path and query set on baseUrl's origin: never the target's own authority
        // (absolute form), and a path that looks like one ("//evil") stays a path.
        const onBaseUrl = new URL(context.baseUrl.origin);
        onBaseUrl.pathname = `${req.baseUrl}${req.path}`;
        onBaseUrl.search = queryOf(req);
        onBaseUrl.searchParams.set(HOST_REDIRECTED_PARAM, '1');
        return res.redirect(302, onBaseUrl.href);
      }
      context.logger.warn('login.host_mismatch', { host: req.host, baseUrl: context.baseUrl.origin });
    }
    const provider = providerOf(req);
    if (!provider) return sendErrorPage(req, res, 404, 'unknown_provider', { provider: String(req.params.provider).slice(0, 64) });
    res.redirect(302, await beginLogin(context, providerFor(context, provider, req.get('user-agent')), req, res));
  });

  const callback = async (req: Request, res: Response) => {
    const provider = providerOf(req);
    res.set('Referrer-Policy', 'no-referrer');
    if (!provider) return res.redirect(302, loginLocation('/', context.baseUrl, 'unknown_provider'));
    if (req.method === 'POST' && !provider.callback?.formPost) {
      res.set('Allow', 'GET');
      throw new AuthBffError('method_not_allowed', 'This provider calls back with a redirect, not a form_post.');
    }
    // 303 after a form_post, so the browser follows with a GET.
    res.redirect(req.method === 'POST' ? 303 : 302, await completeLogin(context, provider, req, res));
  };
  routes.get(`${ROUTES.callback}:provider`, callback);
  // The form_post response mode: the parameters in an urlencoded body, kept as text for the flow to read.
  routes.post(`${ROUTES.callback}:provider`, express.text({ type: 'application/x-www-form-urlencoded', limit: '16kb' }), callback);

  const session = sessionRoute(context.sessions, context.basePath, context.logger);
  routes.get(ROUTES.session, (req: Request, res: Response) => session.answer(req, res));

  routes.post(ROUTES.logout, requireCsrfHeader, async (req: Request, res: Response) => {
    res.json(await logout(context, background, req, res));
  });

  // Called by the provider, server to server: no CSRF header, an urlencoded body (Back-Channel Logout 1.0 §2.5).
  routes.post(
    `${ROUTES.backchannelLogout}:provider`,
    express.urlencoded({ extended: false, limit: '16kb' }),
    async (req: Request, res: Response) => {
      const provider = providerOf(req);
      if (!provider) throw new AuthBffError('unknown_provider', 'No provider with this id is configured.');
      await backchannelLogout(context, provider, (req.body as Record<string, unknown> | undefined)?.logout_token);
      res.status(200).end();
    },
  );

  routes.get(ROUTES.providers, requireCsrfHeader, (_req: Request, res: Response) => {
    res.json(providers);
  });

  // For load balancers: no CSRF header, no session, nothing but whether the session store answers.
  routes.get(ROUTES.health, async (_req: Request, res: Response) => {
    const up = await context.store.ping().then(
      () => true,
      () => false,
    );
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'unavailable' });
  });

  routes.all([`${ROUTES.login}:provider`, ROUTES.session, ROUTES.providers, ROUTES.health], methodNotAllowed('GET'));
  routes.all(`${ROUTES.callback}:provider`, methodNotAllowed('GET, POST'));
  routes.all([ROUTES.logout, `${ROUTES.backchannelLogout}:provider`], methodNotAllowed('POST'));
  routes.use(errorHandler(context.logger));

  // The SPA's most frequent calls, in the first layer: no routing, no cookie parsing.
  const firstLayer: FirstLayerRoute[] = [(req) => (session.matches(req) ? (res, headers) => void session.answer(req, res, headers) : undefined), ...apiProxies];
  const atBasePath = express.Router().use(context.basePath, routes);
  const underBasePath = mountPathMatcher(context.basePath);
  // A path (the usual origin-form target) outside the base path goes on at once; the rest, the
  // odd targets included, are Express's to match.
  const router = firstLayerHandler(firstLayer, (req, res, next) => (req.url.startsWith('/') && !underBasePath(req.url) ? next() : atBasePath(req, res, next)));
  firstLayers.set(router, firstLayer);
  return router;
}
