import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuthBffError } from '../../bff/errors.js';
import { createUpstreamCaller } from '../../bff/proxy/upstream-call.js';
import { startIdleCloser, type IdleCloser } from '../support/idle-closer.js';

let closer: IdleCloser;
let front: Server;
let port: number;

beforeAll(async () => {
  closer = await startIdleCloser();
  const call = createUpstreamCaller(2000, 1024);
  // The API proxy's use of the caller, bare: the browser's request streamed to the upstream, its answer or failure back.
  front = createServer((from, to) => {
    const headers = from.headers['content-length'] === undefined ? {} : { 'content-length': from.headers['content-length'] };
    call({ url: new URL(`${closer.origin}/v1`), headers, from, to }).then(
      (answer) => answer.pipe(to.writeHead(answer.statusCode ?? 502)),
      (error: AuthBffError) => to.writeHead(502).end(error.reason),
    );
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  port = (front.address() as AddressInfo).port;
});
afterAll(async () => {
  await closer.close();
  await new Promise((resolve) => front.close(resolve));
});

function get(body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, method: 'GET', agent: false, headers: body === undefined ? {} : { 'content-length': Buffer.byteLength(body) } }, (answer) => {
      let text = '';
      answer.on('data', (chunk: Buffer) => (text += chunk.toString()));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, text }));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

it('never sends again a GET whose body it has streamed: the upstream closing the reused connection ends it as unreachable', async () => {
  expect(await get()).toEqual({ status: 200, text: '{"ok":true}' });
  expect(await get('a body')).toEqual({ status: 502, text: 'provider_unreachable' });
  expect(closer.arrivals.map(({ connection }) => connection)).toEqual([1, 1]);
});
