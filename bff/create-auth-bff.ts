import type { Request, RequestHandler, Response } from 'express';
import type { ProviderInfo } from '../shared/index.js';
import type { ApiProxyOptions } from './config/api-proxy-schema.js';
import { resolveApiProxy, resolveConfig, tokenlessIds, type AuthBffConfig } from './config/resolve.js';
import { createHandleCodec } from './crypto/handle.js';
import { createSealer } from './crypto/seal.js';
import { AccessTokens } from './flow/access-tokens.js';
import { BackgroundTasks } from './flow/background.js';
import type { FlowContext } from './flow/context.js';
import { Transactions } from './flow/transactions.js';
import { optionalSession, requireSession, sessionReader, type ReadSession } from './routes/require-session.js';
import { describeProvider, type ProviderType } from './providers/provider.js';
import { createApiProxy } from './proxy/api-proxy.js';
import { createLoginRateLimit } from './routes/login-rate-limit.js';
import { firstLayerHandler } from './routes/first-layer.js';
import { createRouter } from './routes/router.js';
import { createSessionStore } from './session/create-store.js';
import { redisClientOf } from './session/redis-client.js';
import { SessionCookie } from './session/session-cookie.js';
import { Sessions, type SessionDataPatch, type UserSessions } from './session/sessions.js';
import { eventEmitter } from './users/events.js';

export interface AuthBff {
  /** Mount it as is: `app.use(auth.router)`; it serves the routes under the configured `basePath`. A handler, not an Express `Router`. */
  router: RequestHandler;
  /** Guards an app route (one handler): the CSRF rule and 401 JSON without a session; sets `req.auth`. */
  requireSession: () => RequestHandler;
  /** Sets `req.auth` when the request has a session and goes on either way (a route that works signed in or out). */
  optionalSession: () => RequestHandler;
  /** The request's session as `req.auth` would hold it, or null; no CSRF header demanded (it only reads): for server-rendered pages. */
  readSession: ReadSession;
  /**
   * Replaces the session's `sessionData` and/or `clientData` (a role granted);
   * other tabs see `clientData` at their next read. Rejects with `unauthenticated`
   * without a session, `internal_error` for a value that is not a JSON object of at most 4 KiB.
   */
  updateSession: (req: Request, res: Response, changes: SessionDataPatch) => Promise<void>;
  /**
   * An API proxy (the same as an `apis` entry): requests under `path` go to
   * `target` with the session's access token for `provider`. Mount it: `app.use(auth.proxy({...}))`.
   */
  proxy: (options: ApiProxyOptions) => RequestHandler;
  /** A user's sessions: list them, end them all ("sign out everywhere") or one by its handle. */
  sessions: UserSessions;
  /** The configured providers, as `GET /auth/providers` lists them. */
  providers: readonly ProviderInfo[];
  /** The origins the embeddable providers' login pages load from (WeChat's QR): what the app's CSP `frame-src` must allow. */
  embedOrigins: readonly string[];
  /** Waits for background work (token revocation) and closes the session store the BFF opened. */
  close: () => Promise<void>;
}

/**
 * The backend-for-frontend: validates the config (throwing a `ConfigError`
 * that names each bad field), and returns the routes and helpers.
 */
export function createAuthBff<const Platforms extends readonly ProviderType[] = readonly []>(config: AuthBffConfig<Platforms>): AuthBff {
  const resolved = resolveConfig(config);
  const { session, logger } = resolved;
  const emit = eventEmitter(resolved.onEvent, logger);
  const secure = resolved.baseUrl.protocol === 'https:';
  const { store, owned } = createSessionStore(session, logger);
  const sessions = new Sessions(
    store,
    new SessionCookie({ secure, sameSite: session.sameSite, maxAgeSeconds: session.absoluteTimeoutSeconds }),
    createSealer(resolved.secrets, 'tokens'),
    session,
    createHandleCodec(resolved.secrets, 'session-handles'),
    emit,
  );
  const context: FlowContext = {
    providers: new Map(resolved.providers.map((provider) => [provider.id, provider])),
    baseUrl: resolved.baseUrl,
    basePath: resolved.basePath,
    postLogoutRedirectUri: resolved.postLogoutRedirectUri,
    store,
    sessions,
    transactions: new Transactions(createSealer(resolved.secrets, 'transactions'), { secure }),
    logger,
    onLogin: resolved.onLogin,
    httpTimeoutMs: resolved.httpTimeoutMs,
    emit,
  };
  const background = new BackgroundTasks(logger);
  const accessTokens = new AccessTokens(context, resolved.httpTimeoutMs);
  const providerIds = new Set(context.providers.keys());
  const tokenless = tokenlessIds(context.providers.values());
  const proxy = (options: ApiProxyOptions) =>
    firstLayerHandler([createApiProxy(context, accessTokens, resolveApiProxy(options, providerIds, tokenless, resolved.basePath), resolved.httpTimeoutMs)]);

  const readSession = sessionReader(sessions, accessTokens);
  const providers = resolved.providers.map(describeProvider);
  // Counted in the session store's own connection, whatever its shape (one server, a cluster, a Sentinel group).
  const rateLimit = createLoginRateLimit(resolved.rateLimit, { redis: redisClientOf(store), keyPrefix: session.keyPrefix }, logger);
  const apiProxies = resolved.apis.map((api) => createApiProxy(context, accessTokens, api, resolved.httpTimeoutMs));
  const router = createRouter(context, background, providers, rateLimit, apiProxies);

  return {
    router,
    requireSession: () => requireSession(readSession),
    optionalSession: () => optionalSession(readSession),
    readSession,
    updateSession: (req, res, changes) => sessions.updateData(req, res, changes),
    proxy,
    sessions: { list: (userId) => sessions.listOf(userId), end: (target) => sessions.endOf(target) },
    providers,
    embedOrigins: [...new Set(resolved.providers.flatMap(({ embed }) => (embed ? [embed.origin] : [])))],
    async close() {
      await background.drain();
      if (owned) await store.close();
    },
  };
}
