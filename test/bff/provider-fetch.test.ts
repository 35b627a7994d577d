import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthBffError } from '../../bff/errors.js';
import { createProviderFetch, MAX_PROVIDER_BODY_BYTES } from '../../bff/http/provider-fetch.js';
import { startIdleCloser, type IdleCloser } from '../support/idle-closer.js';

let server: Server;
let origin: string;
const received: Array<{ url: string; body: string; type: string | undefined }> = [];
let lastConnection: Socket | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', body, type: req.headers['content-type'] });
      if (req.url === '/gzip') return res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync('{"ok":true}'));
      if (req.url === '/bomb') return res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(MAX_PROVIDER_BODY_BYTES + 1, 'a')));
      if (req.url === '/zstd') return res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'zstd' }).end('(\u00b5/\u00fd');
      if (req.url === '/not-gzip') return res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end('{"ok":true}');
      if (req.url === '/redirect') return res.writeHead(302, { location: `${origin}/elsewhere` }).end();
      if (req.url === '/empty') return res.writeHead(204).end();
      if (req.url === '/closes-idle-in-2s') return res.writeHead(200, { 'keep-alive': 'timeout=2' }).end('{}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ body }));
    });
  });
  // Longer than the test: only the client closes an idle connection here.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => (lastConnection = socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const providerFetch = createProviderFetch(5000);

async function failureOf(call: Promise<unknown>): Promise<AuthBffError> {
  const error = await call.then(() => undefined, (error: unknown) => error);
  expect(error).toBeInstanceOf(AuthBffError);
  return error as AuthBffError;
}

describe('the provider fetch on node:http', () => {
  it('sends a form body as fetch would, with its content type', async () => {
    const response = await providerFetch(`${origin}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c' }) });
    expect(await response.json()).toEqual({ body: 'grant_type=authorization_code&code=c' });
    expect(received.at(-1)?.type).toBe('application/x-www-form-urlencoded;charset=UTF-8');
  });

  it('decodes a compressed answer, and refuses one that decodes past the 1 MiB limit', async () => {
    expect(await (await providerFetch(`${origin}/gzip`)).json()).toEqual({ ok: true });
    expect((await failureOf(providerFetch(`${origin}/bomb`))).reason).toBe('provider_body_too_large');
  });

  it('refuses an answer in an encoding it does not know, or that does not decode, and a plain http endpoint off this machine', async () => {
    expect((await failureOf(providerFetch(`${origin}/zstd`))).reason).toBe('provider_body_encoding');
    expect((await failureOf(providerFetch(`${origin}/not-gzip`))).reason).toBe('provider_body_encoding');
    const insecure = await failureOf(providerFetch('http://provider.example/token'));
    expect(insecure).toMatchObject({ code: 'provider_unavailable', reason: 'provider_insecure_endpoint' });
  });

  it('does not follow a redirect', async () => {
    const before = received.length;
    const response = await providerFetch(`${origin}/redirect`);
    expect(response.status).toBe(302);
    expect(received.slice(before).map((call) => call.url)).toEqual(['/redirect']);
  });

  it('answers a 204 with no body, and honours the caller\'s abort signal', async () => {
    expect((await providerFetch(`${origin}/empty`)).status).toBe(204);
    const aborted = AbortSignal.abort();
    await expect(providerFetch(`${origin}/x`, { signal: aborted })).rejects.toThrow();
  });

  it("closes an idle connection before the server's Keep-Alive hint says the server will", async () => {
    // A connection of its own, so that the one watched is the one this call left idle.
    await providerFetch(`${origin}/closes-idle-in-2s`, { headers: { connection: 'close' } });
    await providerFetch(`${origin}/closes-idle-in-2s`);
    const answeredAt = Date.now();
    const idle = lastConnection!;
    const closedAt = await new Promise<number>((resolve) => idle.once('close', () => resolve(Date.now())));
    expect(closedAt - answeredAt).toBeLessThan(2000);
  }, 5000);

  describe('a server that closes an idle keep-alive connection just as the next call goes out on it', () => {
    const closers: IdleCloser[] = [];
    const idleCloser = async () => {
      closers.push(await startIdleCloser());
      return closers.at(-1)!;
    };
    afterAll(() => Promise.all(closers.map((closer) => closer.close())));

    it('sends a GET again on a new connection, once', async () => {
      const closer = await idleCloser();
      const fetcher = createProviderFetch(5000);
      expect((await fetcher(`${closer.origin}/jwks`)).status).toBe(200);
      expect(await (await fetcher(`${closer.origin}/jwks`)).json()).toEqual({ ok: true });
      expect(closer.arrivals.map(({ connection }) => connection)).toEqual([1, 1, 2]);
    });

    it('never sends a POST again: the server may have acted on it', async () => {
      const closer = await idleCloser();
      const fetcher = createProviderFetch(5000);
      await fetcher(`${closer.origin}/token`, { method: 'POST', body: 'code=a' });
      expect((await failureOf(fetcher(`${closer.origin}/token`, { method: 'POST', body: 'code=b' }))).reason).toBe('provider_unreachable');
      expect(closer.arrivals.map(({ request }) => request)).toEqual(['POST /token HTTP/1.1', 'POST /token HTTP/1.1']);
    });
  });
});
