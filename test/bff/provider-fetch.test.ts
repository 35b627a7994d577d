import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthBffError } from '../../bff/errors.js';
import { createProviderFetch, MAX_PROVIDER_BODY_BYTES } from '../../bff/http/provider-fetch.js';

let server: Server;
let origin: string;
const received: Array<{ url: string; body: string; type: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', body, type: req.headers['content-type'] });
      if (req.url === '/gzip') return res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync('{"ok":true}'));
      if (req.url === '/bomb') return res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(MAX_PROVIDER_BODY_BYTES + 1, 'a')));
      if (req.url === '/redirect') return res.writeHead(302, { location: `${origin}/elsewhere` }).end();
      if (req.url === '/empty') return res.writeHead(204).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ body }));
    });
  });
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
});
