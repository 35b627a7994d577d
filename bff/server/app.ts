import express, { type Express } from 'express';
import type { AuthBffConfig } from '../config/resolve.js';
import { createAuthBff, type AuthBff } from '../create-auth-bff.js';
import { serveSpa } from './spa.js';

export interface ServerAppOptions {
  /** A built SPA to serve; unknown paths that ask for HTML get its `index.html` (client-side routes). */
  staticDir?: string;
}

/** The standalone server's app: the BFF routes plus, optionally, the SPA next to them. */
export async function createServerApp(config: AuthBffConfig, options: ServerAppOptions = {}): Promise<{ app: Express; auth: AuthBff }> {
  const auth = createAuthBff(config);
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(auth.router);
  if (options.staticDir !== undefined) app.use(await serveSpa(options.staticDir));
  return { app, auth };
}
