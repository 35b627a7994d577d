import { pathToFileURL } from 'node:url';
import express from 'express';
import type * as Bff from '../../bff/index.js';
import type { AuthBffConfig } from '../../bff/index.js';
import type * as BffServer from '../../bff/server/start.js';
import { freePort } from '../../test/support/bff.js';
import { APP_ROUTE, BENCH_SECRET, IDLE_TIMEOUT_SECONDS, listenOn, PROVIDER_ID, PROXY_PATH } from './common.js';
import type { Served } from './roles.js';

export interface BffOptions {
  /** `standalone`: the `bff-auth serve` server; `mounted`: `auth.router` in an Express app, with an app route and a proxy. */
  server: 'standalone' | 'mounted';
  /** `memory` or a redis:// URL. */
  store: string;
  keyPrefix?: string;
  provider: { issuer: string; clientId: string; clientSecret: string };
  /** Upstream of the API proxy at PROXY_PATH: `auth.proxy()` in the mounted app, an `apis` entry in the standalone server. */
  proxyTarget?: string;
  /** Another tree holding the BFF's code (the baseline's, see baseline-tree.ts); default: this checkout. */
  root?: string;
}

/** The BFF's modules, from this checkout or from `root`. */
async function bffModules(root: string | undefined) {
  const from = (path: string) => (root === undefined ? new URL(`../../${path}`, import.meta.url) : pathToFileURL(`${root}/${path}`)).href;
  const [bff, server] = await Promise.all([
    import(from('bff/index.ts')) as Promise<typeof Bff>,
    import(from('bff/server/start.ts')) as Promise<typeof BffServer>,
  ]);
  return { createAuthBff: bff.createAuthBff, startServer: server.startServer };
}

/** The BFF as users run it, with the default (console) logger, from its config as a user writes it. */
export async function startBff(options: BffOptions): Promise<Served> {
  const { createAuthBff, startServer } = await bffModules(options.root);
  const port = await freePort();
  const proxy = options.proxyTarget === undefined ? undefined : { path: PROXY_PATH, provider: PROVIDER_ID, target: options.proxyTarget, methods: ['GET' as const, 'POST' as const] };
  const config: AuthBffConfig = {
    baseUrl: `http://127.0.0.1:${port}`,
    secrets: [BENCH_SECRET],
    session: { store: options.store, idleTimeoutSeconds: IDLE_TIMEOUT_SECONDS, ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}) },
    providers: [{ id: PROVIDER_ID, type: 'oidc', ...options.provider }],
    // The bench logs in far more often than a browser may: the login rate limit (newer than the baseline code, whose config has no such field) is off.
    ...(options.root === undefined ? { rateLimit: false as const } : {}),
  };
  if (options.server === 'standalone') {
    if (proxy) config.apis = [proxy];
    const server = await startServer(config, { port });
    return { url: server.url, close: () => server.close() };
  }

  const auth = createAuthBff(config);
  const app = express();
  app.use(auth.router);
  app.get(APP_ROUTE, auth.requireSession(), (req, res) => {
    res.json({ user: req.auth?.user });
  });
  if (proxy) app.use(auth.proxy(proxy));
  const server = await listenOn(app, port);
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await auth.close();
    },
  };
}
