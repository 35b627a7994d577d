import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AuthBffConfig } from '../config/resolve.js';
import { createAuthBff, type AuthBff } from '../create-auth-bff.js';

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
  if (options.staticDir !== undefined) app.use(await spa(resolve(options.staticDir)));
  return { app, auth };
}

async function spa(root: string) {
  const directory = await stat(root).catch(() => undefined);
  if (!directory?.isDirectory()) throw new Error(`--static ${root}: no such directory`);
  const files = express.static(root, { index: 'index.html' });
  const indexHtml = resolve(root, 'index.html');
  return [
    files,
    (req: Request, res: Response, next: NextFunction) => {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.accepts('html')) return next();
      res.set('Cache-Control', 'no-cache');
      res.sendFile(indexHtml, (error) => error && next());
    },
  ];
}
