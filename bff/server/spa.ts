import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/**
 * A page load: the Accept header names HTML. A bare wildcard (scripts, images,
 * fetch) does not count, so a missing asset is a 404, not index.html.
 */
const asksForHtml = (req: Request) => /text\/html|application\/xhtml\+xml/i.test(req.get('accept') ?? '') && req.accepts('html') !== false;

/**
 * Serves a built single-page app: its files, and `index.html` for any other
 * GET that asks for HTML, so client-side routes survive a reload.
 */
export async function serveSpa(directory: string): Promise<RequestHandler[]> {
  const root = resolve(directory);
  const found = await stat(root).catch(() => undefined);
  if (!found?.isDirectory()) throw new Error(`${root}: no such directory`);
  const indexHtml = resolve(root, 'index.html');
  return [
    express.static(root, { index: 'index.html' }),
    (req: Request, res: Response, next: NextFunction) => {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || !asksForHtml(req)) return next();
      res.set('Cache-Control', 'no-cache');
      res.sendFile(indexHtml, (error) => error && next());
    },
  ];
}
