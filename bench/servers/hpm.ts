import { Agent } from 'node:http';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { listenOn, PROXY_PATH } from './common.js';
import type { Served } from './roles.js';

export interface HpmOptions {
  target: string;
}

/** The peer of the API proxy: http-proxy-middleware with a keep-alive agent, mounted at PROXY_PATH. */
export async function startHpm({ target }: HpmOptions): Promise<Served> {
  const app = express();
  app.use(PROXY_PATH, createProxyMiddleware({ target, changeOrigin: true, agent: new Agent({ keepAlive: true }) }));
  return listenOn(app);
}
