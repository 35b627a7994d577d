import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuthBffError } from '../../bff/errors.js';
import { createUpstreamCaller } from '../../bff/proxy/upstream-call.js';
import { startIdleCloser, type IdleCloser } from '../support/idle-closer.js';

const TIMEOUT_MS = 300;
/** Far more than the browser's connection buffers: the caller has to wait for it to drain, again and again. */
const LARGE_ANSWER = 'z'.repeat(8 * 1024 * 1024);

let closer: IdleCloser;
let upstream: Server;
let upstreamOrigin: string;
/** The connection each request reached the upstream on, by its remote port. */
const upstreamPorts: number[] = [];
/** The upstream's requests held open, for the test to watch close. */
const held: IncomingMessage[] = [];
/** Whether the request that stood in for the browser's on /arrived has ended. */
let arrivedEnded = false;
let front: Server;
let port: number;

beforeAll(async () => {
  closer = await startIdleCloser();
  upstream = createServer((req, res) => {
    upstreamPorts.push(req.socket.remotePort ?? 0);
    if (req.url === '/failing') return res.writeHead(502, { 'content-type': 'text/plain' }).end('upstream is down');
    // A request held open: node reports it as aborted when its connection closes.
    if (req.url === '/held') return void held.push(req.on('error', () => undefined));
    if (req.url === '/echo') return void req.pipe(res.writeHead(200, { 'content-type': 'text/plain' }));
    if (req.url === '/large') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(LARGE_ANSWER);
    if (req.url === '/early-hints') res.writeEarlyHints({ link: '</app.css>; rel=preload; as=style' });
    if (req.url === '/trickle') return void res.writeHead(200, { 'content-type': 'text/plain' }).write('first part;');
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamOrigin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const call = createUpstreamCaller(TIMEOUT_MS, 1024);
  // For the held request, only the browser going away can end it before the test does; the large answer takes its time.
  const patientCall = createUpstreamCaller(60_000, 1024);
  // The API proxy's use of the caller, bare: the browser's request streamed to the upstream, its answer or failure back.
  // Called on the next turn of the event loop, as the proxy calls it after the session read.
  front = createServer((from, to) =>
    setImmediate(() => {
      if (from.url === '/arrived') {
        from.resume();
        return callWithBodyArrived(to);
      }
      const length = from.headers['content-length'];
      const origin = from.url?.startsWith('/v1') ? closer.origin : upstreamOrigin;
      const headers: Record<string, string> = length === undefined ? {} : { 'content-length': length };
      (from.url === '/held' || from.url === '/large' ? patientCall : call)({ url: new URL(origin + (from.url ?? '/')), headers, from, to, head: () => ({}) }).catch((error: AuthBffError) =>
        to.writeHead(502).end(error.reason),
      );
    }),
  );
  /**
   * The browser's request (its own body dropped) stood in for by one whose body node has parsed
   * and not yet marked complete, as the proxy can find one after the session read: the caller
   * takes the body whole, and the request must still end.
   */
  const callWithBodyArrived = (to: ServerResponse) => {
    const body = Buffer.from('all here');
    const from = Object.assign(new Readable({ read() {} }), { method: 'POST', headers: { 'content-length': String(body.length) } });
    from.push(body);
    from.once('end', () => (arrivedEnded = true));
    void call({ url: new URL(`${upstreamOrigin}/echo`), headers: from.headers, from: from as unknown as IncomingMessage, to, head: () => ({}) }).then(() => from.push(null));
  };
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  port = (front.address() as AddressInfo).port;
});
afterAll(async () => {
  await closer.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
  await new Promise((resolve) => front.close(resolve));
});

/** A request through the caller, its body framed by a length or chunked; `cut` when the answer broke off after its head. */
function send(method: string, path: string, body?: string, framing: 'length' | 'chunked' = 'length'): Promise<{ status: number; text: string; cut?: true }> {
  const headers = body === undefined ? {} : framing === 'length' ? { 'content-length': Buffer.byteLength(body) } : { 'transfer-encoding': 'chunked' };
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, path, method, agent: false, headers }, (answer) => {
      let text = '';
      answer.on('data', (chunk: Buffer) => (text += chunk.toString()));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, text }));
      answer.on('error', () => resolve({ status: answer.statusCode ?? 0, text, cut: true }));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

const get = (path: string, body?: string) => send('GET', path, body);

it('never sends again a GET whose body it has streamed: the upstream closing the reused connection ends it as unreachable', async () => {
  expect(await get('/v1')).toEqual({ status: 200, text: '{"ok":true}' });
  expect(await get('/v1', 'a body')).toEqual({ status: 502, text: 'provider_unreachable' });
  expect(closer.arrivals.map(({ connection }) => connection)).toEqual([1, 1]);
});

it.each(['length', 'chunked'] as const)('sends a body framed by %s as it came', async (framing) => {
  expect(await send('POST', '/echo', 'x'.repeat(1024), framing)).toEqual({ status: 200, text: 'x'.repeat(1024) });
});

it('sends a body that has all arrived, and the request it came in ends when node finishes parsing it', async () => {
  expect(await send('POST', '/arrived')).toEqual({ status: 200, text: 'all here' });
  await expect.poll(() => arrivedEnded).toBe(true);
});

it('refuses a chunked body over the limit', async () => {
  expect(await send('POST', '/echo', 'x'.repeat(1025), 'chunked')).toEqual({ status: 502, text: 'proxy_body_too_large' });
});

it('refuses an upstream 5xx as provider_http_5xx, reading its body to the end so that the connection serves the next call', async () => {
  upstreamPorts.length = 0;
  expect(await get('/failing')).toEqual({ status: 502, text: 'provider_http_502' });
  expect(await get('/ok')).toEqual({ status: 200, text: 'ok' });
  expect(new Set(upstreamPorts).size).toBe(1);
});

it('passes on an answer larger than the connection buffers whole, pausing the upstream while the browser catches up', async () => {
  const { status, text } = await get('/large');
  expect(status).toBe(200);
  expect(text.length).toBe(LARGE_ANSWER.length);
});

it('passes on the final answer after an interim one (103 Early Hints)', async () => {
  expect(await get('/early-hints')).toEqual({ status: 200, text: 'ok' });
});

it('cuts off an answer still streaming when the timeout passes: the browser has the first part and a broken answer', async () => {
  expect(await get('/trickle')).toEqual({ status: 200, text: 'first part;', cut: true });
});

it('drops the upstream call when the browser goes away', async () => {
  const sent = request({ host: '127.0.0.1', port, path: '/held', agent: false });
  sent.on('error', () => undefined).end();
  await expect.poll(() => held.length).toBe(1);
  const upstreamClosed = new Promise((resolve) => held[0]!.socket.once('close', resolve));
  sent.destroy();
  await upstreamClosed;
});
