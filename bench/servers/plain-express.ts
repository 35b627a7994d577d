import express from 'express';
import { listenOn } from './common.js';
import type { Served } from './roles.js';

export interface PlainExpressOptions {
  path: string;
  /** Answered as is, with `res.json`. */
  body: unknown;
}

/** The yardstick: a plain Express 5 app answering one JSON body. */
export async function startPlainExpress({ path, body }: PlainExpressOptions): Promise<Served> {
  const app = express();
  app.get(path, (_req, res) => {
    res.json(body);
  });
  return listenOn(app);
}
