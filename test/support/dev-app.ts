import { once } from 'node:events';
import express, { type Express } from 'express';
import { startDevProvider, type DevProvider } from '../../demo/dev-provider.js';
import { createAuthBff, silentLogger, type AuthBff, type AuthBffConfig } from '../../bff/index.js';
import { freePort, TEST_SECRET } from './bff.js';
import { DEV_CLIENT } from './dev-stack.js';

export interface DevApp {
  origin: string;
  auth: AuthBff;
  dev: DevProvider;
  close: () => Promise<void>;
}

/**
 * An app of the test's own on a free port: the dev provider as `dev`, the BFF's router, then the routes `mount` adds; `config` over the
 * defaults, and `devEntry` over the dev provider's entry.
 */
export async function startDevApp(
  mount: (app: Express, auth: AuthBff, dev: DevProvider) => void,
  config: Partial<AuthBffConfig> = {},
  devEntry: { httpTimeoutMs?: number } = {},
): Promise<DevApp> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dev = await startDevProvider({ clients: [{ ...DEV_CLIENT, redirectUris: [`${origin}/auth/callback/dev`] }] });
  const auth = createAuthBff({
    baseUrl: origin,
    secrets: [TEST_SECRET],
    logger: silentLogger,
    rateLimit: false,
    providers: [{ id: 'dev', type: 'oidc', issuer: dev.issuer, ...DEV_CLIENT, ...devEntry }],
    ...config,
  });
  const app = express();
  app.use(auth.router);
  mount(app, auth, dev);
  const server = app.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    origin,
    auth,
    dev,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await auth.close();
      await dev.close();
    },
  };
}
