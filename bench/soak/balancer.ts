import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin balancer in front of the soak's BFF processes, as a load balancer in production:
 * keep-alive to each backend, the next backend when one refuses the connection (it is down: the
 * request never reached it, so trying another is safe), and 502 when a backend drops a request
 * it had taken (killed mid-request).
 */
export interface Balancer {
  origin: string;
  /** When the balancer reset a browser's connection because its BFF's answer broke after the head had gone out. */
  brokenOff: number[];
  close: () => Promise<void>;
}

/** Fields about one connection, never passed on by a proxy (RFC 9110 §7.6.1), and those its `Connection` names. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * `headers` without the hop-by-hop fields. Passed on, the BFF's `Keep-Alive: timeout=65` told the
 * browsers to keep idle connections to the balancer for 63 s, which closes them at 30 s: now and
 * then a browser sent a request on one just as it closed, and got no answer (status 0, ECONNRESET).
 */
function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set((headers.connection ?? '').split(',').map((name) => name.trim().toLowerCase()));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !named.has(name)));
}

export async function startBalancer(backends: readonly { port: number }[]): Promise<Balancer> {
  // Idle connections close at 60 s, as an AWS ALB's do, before the BFF's keep-alive timeout (bff/server/listen.ts).
  const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 60_000 });
  let next = 0;
  const brokenOff: number[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tries: number) => {
    const backend = backends[next++ % backends.length]!;
    const upstream = request({ host: '127.0.0.1', port: backend.port, method: req.method, path: req.url, headers: endToEnd(req.headers), agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(res);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' && tries < backends.length) return forward(req, res, body, tries + 1);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad_gateway', reason: error.code ?? 'error' }));
      else {
        brokenOff.push(Date.now());
        res.destroy();
      }
    });
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), 1));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    brokenOff,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
