import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import express, { type Request, type Response } from 'express';
import { createAuthBff, type AuthBffConfig, type Logger } from '../bff/index.js';
import { listen } from '../bff/server/listen.js';
import { serveSpa } from '../bff/server/spa.js';
import { startDevProvider, type DevProvider } from './dev-provider.js';
import { emulatorRoutes } from './emulator-routes.js';
import { startEmulatedPlatforms, type EmulatedPlatform } from './emulated-platforms.js';

export interface DemoOptions {
  /** The demo's public origin, e.g. http://localhost:3000 */
  baseUrl: string;
  port: number;
  host?: string;
  /** The built demo SPA (`vite build` writes demo/dist). */
  staticDir: string;
  /** A config to use instead of the embedded development provider (its `baseUrl` is replaced). */
  config?: Omit<AuthBffConfig, 'baseUrl'>;
  /** Where the BFF logs; the default writes JSON lines to stderr. */
  logger?: Logger;
  /** Where the development provider listens when there is no config. */
  devProviderPort?: number;
  /** Sign in through the platform emulators instead of the development provider (`npm start -- --emulators`). */
  emulators?: boolean;
}

export interface Demo {
  url: string;
  /** The development provider, when the demo runs one. */
  devProvider?: DevProvider;
  /** The emulated platforms, with `emulators`. */
  emulated?: EmulatedPlatform[];
  close: () => Promise<void>;
}

/**
 * The demo: the BFF mounted in an app of its own (how most people will use
 * it), an app route behind `requireSession()`, and the built React demo. With
 * no config it signs people in through the embedded development provider.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const client = { clientId: 'bff-auth-demo', clientSecret: randomBytes(24).toString('base64url') };
  const emulated = options.emulators && !options.config ? await startEmulatedPlatforms() : undefined;
  const devProvider =
    options.config || emulated
      ? undefined
      : await startDevProvider({
          port: options.devProviderPort ?? 0,
          clients: [
            {
              ...client,
              redirectUris: [`${options.baseUrl}/auth/callback/dev`],
              postLogoutRedirectUris: [`${options.baseUrl}/`],
              backchannelLogoutUri: `${options.baseUrl}/auth/backchannel-logout/dev`,
            },
          ],
        });
  const providers = emulated?.providers ?? [{ id: 'dev', type: 'oidc', name: 'Dev Login', issuer: devProvider!.issuer, ...client }];
  const config: AuthBffConfig = options.config
    ? { ...options.config, baseUrl: options.baseUrl }
    : { baseUrl: options.baseUrl, secrets: [randomBytes(32).toString('base64url')], providers };

  const auth = createAuthBff(options.logger ? { ...config, logger: options.logger } : config);
  const app = express();
  app.disable('x-powered-by');
  // A sign-in option that does not exist gets the demo's own 404 page instead of the BFF's plain one.
  const providerIds = new Set(auth.providers.map((provider) => provider.id));
  app.get('/auth/login/:provider', (req: Request, res: Response, next) => {
    if (providerIds.has(String(req.params.provider))) return next();
    res.status(404).set('Cache-Control', 'no-cache').sendFile(resolve(options.staticDir, 'index.html'));
  });
  if (emulated) app.use(emulatorRoutes(emulated.platforms));
  app.use(auth.router);
  app.get('/api/me', auth.requireSession(), (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    res.json({ user: req.auth!.user, provider: req.auth!.provider, expiresAt: req.auth!.expiresAt, servedAt: new Date().toISOString() });
  });
  app.use(await serveSpa(options.staticDir));

  const running = await listen(app, { port: options.port, host: options.host }, async () => {
    await auth.close();
    await devProvider?.close();
    await emulated?.close();
  });
  return { url: options.baseUrl, devProvider, emulated: emulated?.platforms, close: running.close };
}
