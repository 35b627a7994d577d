import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import express from 'express';
import { listenOn, PROXY_PATH } from './common.js';
import type { Served } from './roles.js';

export interface BareAnswerOptions {
  path: string;
  /** Answered as is, as JSON, to a GET of `path`. */
  body: string;
}

/**
 * The machine's limit for a JSON route: a bare node:http server writing the
 * same bytes with one `writeHead` and `end`, no framework and no session.
 */
export async function startBareAnswer({ path, body }: BareAnswerOptions): Promise<Served> {
  const bytes = Buffer.from(body);
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length };
  return listenOn((req, res) => {
    if (req.url === path) res.writeHead(200, headers).end(bytes);
    else res.writeHead(404).end();
  });
}

export interface BarePipeOptions {
  target: string;
  /** Mounted at PROXY_PATH in an Express app, as http-proxy-middleware is: what Express alone costs a proxied call. */
  inExpress?: boolean;
}

/**
 * The machine's limit for the API proxy: a bare node:http server piping each
 * request under PROXY_PATH to the upstream over a keep-alive agent and the
 * answer back, with no checks, no session and no header filtering.
 */
export async function startBarePipe({ target, inExpress = false }: BarePipeOptions): Promise<Served> {
  const { hostname, port } = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const pipe = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const upstream = request({ agent, hostname, port, method: req.method, path, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  if (!inExpress) return listenOn((req, res) => pipe(req, res, (req.url ?? '/').slice(PROXY_PATH.length)));
  const app = express();
  app.use(PROXY_PATH, (req, res) => pipe(req, res, req.url));
  return listenOn(app);
}
