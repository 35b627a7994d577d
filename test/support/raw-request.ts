import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  body: string;
}

/** A GET of `target` on 127.0.0.1:`port` sent as it is (node:http parses no URL), and its answer. */
export function rawGet(port: number | string, target: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'GET', path: target, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Whether node's HTTP parser refused the target before any listener saw it: an empty 400. */
export const refusedByNode = ({ status, body }: RawAnswer): boolean => status === 400 && body === '';
