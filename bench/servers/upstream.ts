import { listenOn } from './common.js';
import type { Served } from './roles.js';

/** The size of the upstream's JSON answer to `GET /data`. */
export const UPSTREAM_BODY_BYTES = 1024;

function jsonOfSize(bytes: number): Buffer {
  const frame = JSON.stringify({ items: [] as string[], padding: '' });
  return Buffer.from(JSON.stringify({ items: [], padding: 'x'.repeat(bytes - frame.length) }));
}

/**
 * The API behind both proxies: `GET /data` answers a fixed JSON body,
 * `POST /echo` streams the request body back.
 */
export async function startUpstream(): Promise<Served> {
  const data = jsonOfSize(UPSTREAM_BODY_BYTES);
  return listenOn((req, res) => {
    if (req.method === 'GET' && req.url === '/data') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': data.length }).end(data);
    } else if (req.method === 'POST' && req.url === '/echo') {
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' });
      req.pipe(res);
    } else {
      res.writeHead(404).end();
    }
  });
}
