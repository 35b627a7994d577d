import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Upstream {
  server: Server;
  origin: string;
  /** The access token each call carried, in order. */
  seen: string[];
  close: () => Promise<void>;
}

/** An upstream API behind the BFF's proxy that remembers which access token each call carried. */
export async function startUpstream(): Promise<Upstream> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
