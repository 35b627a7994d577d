/**
 * Issue #8, item 7: the API proxy. It never follows an upstream redirect (a
 * 3xx goes to the browser as it is, so the bearer token reaches no other path
 * or host), builds the upstream path from the parsed pathname, refuses paths
 * that climb or smuggle, and passes back only an allowlist of response headers.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHeaders } from '../support/dev-stack.js';
import { asRawTarget, runs, URL_PIECES } from '../support/fuzz.js';
import { rawGet as rawGetOn, type RawAnswer } from '../support/raw-request.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginThrough } from '../support/provider-stack.js';

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
}

/** A server that records every request and answers what `answer` says for its path. */
async function recordingServer(answer: (url: string, origin: string) => { status: number; headers?: Record<string, string | undefined> | string[] }) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const { status, headers = {} } = answer(req.url ?? '', origin);
    const head = Array.isArray(headers) ? headers : { 'content-type': 'application/json', ...(headers as Record<string, string>) };
    res.writeHead(status, head).end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { seen, origin, close: () => new Promise((resolve) => server.close(resolve)) };
}

const DANGEROUS_HEADERS = {
  'set-cookie': 'planted=1; Path=/',
  'clear-site-data': '"cookies", "storage"',
  'content-security-policy': "script-src 'unsafe-inline'",
  refresh: '0; url=https://evil.example',
  'strict-transport-security': 'max-age=0',
  'access-control-allow-origin': '*',
  'access-control-allow-credentials': 'true',
  'x-upstream-secret': 'internal',
};

/** Raw header lines, as an upstream may repeat them. */
const REPEATED_HEADERS = [
  ['content-type', 'application/json'],
  ['content-type', 'text/html'],
  ['etag', '"a"'],
  ['etag', '"b"'],
  ['link', '<https://api.example/?page=2>; rel="next"'],
  ['link', '<https://api.example/?page=9>; rel="last"'],
  ['www-authenticate', 'Bearer realm="api"'],
  ['www-authenticate', 'Basic realm="api"'],
].flat();

let elsewhere: Awaited<ReturnType<typeof recordingServer>>;
let upstream: Awaited<ReturnType<typeof recordingServer>>;
let stack: HostileStack;
let browser: Awaited<ReturnType<typeof loginThrough>>['browser'];

beforeAll(async () => {
  elsewhere = await recordingServer(() => ({ status: 200 }));
  upstream = await recordingServer((url, origin) => {
    if (url.startsWith('/v1/redirect/same-host')) return { status: 302, headers: { location: `${origin}/v1/admin` } };
    if (url.startsWith('/v1/redirect/other-host')) return { status: 302, headers: { location: `${elsewhere.origin}/steal` } };
    if (url.startsWith('/v1/redirect/relative')) return { status: 307, headers: { location: '/v1/admin' } };
    if (url.startsWith('/v1/repeated')) return { status: 200, headers: REPEATED_HEADERS };
    if (url.startsWith('/v1/headers')) return { status: 200, headers: { ...DANGEROUS_HEADERS, etag: '"v1"', 'www-authenticate': 'Bearer', link: '<https://api.example/?page=2>; rel="next"' } };
    return { status: 200 };
  });
  stack = await startHostileStack(() => ({ apis: [{ path: '/api/bad', provider: 'bad', target: `${upstream.origin}/v1`, methods: ['GET', 'POST'] }] }));
  browser = (await loginThrough(stack, 'bad')).browser;
});
afterAll(async () => {
  await stack.close();
  await upstream.close();
  await elsewhere.close();
});

const api = (path: string) => browser.get(`${stack.origin}/api/bad${path}`, { headers: fetchHeaders });

/** A GET with the request target exactly as given (fetch would normalise dot segments first), in the signed-in browser. */
function rawGet(target: string): Promise<RawAnswer> {
  const cookie = browser.cookies(stack.origin).map((c) => `${c.name}=${c.value}`).join('; ');
  return rawGetOn(new URL(stack.origin).port, target, { ...fetchHeaders, cookie });
}

describe('upstream redirects', () => {
  it.each([
    ['another path on the upstream', '/redirect/same-host', (origin: string) => `${origin}/v1/admin`],
    ['another host', '/redirect/other-host', () => `${elsewhere.origin}/steal`],
    ['a relative location', '/redirect/relative', () => '/v1/admin'],
  ])('a redirect to %s is passed to the browser, not followed with the token', async (_, path, location) => {
    const before = { upstream: upstream.seen.length, elsewhere: elsewhere.seen.length };
    const response = await api(path);
    expect([302, 307]).toContain(response.status);
    expect(response.headers.get('location')).toBe(location(upstream.origin));
    expect(upstream.seen.slice(before.upstream).map((call) => call.url)).toEqual([`/v1${path}`]);
    expect(elsewhere.seen.length).toBe(before.elsewhere);
  });
});

describe('response headers', () => {
  it('passes the allowlist (validators, auth challenge, pagination) and nothing that would act on the app origin', async () => {
    const response = await api('/headers');
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"v1"');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.headers.get('link')).toContain('rel="next"');
    expect(response.headers.get('content-type')).toBe('application/json');
    for (const [name, value] of Object.entries(DANGEROUS_HEADERS)) expect(response.headers.get(name), name).not.toBe(value);
    for (const name of ['set-cookie', 'clear-site-data', 'refresh', 'access-control-allow-origin', 'x-upstream-secret']) {
      expect(response.headers.get(name), name).toBeNull();
    }
  });

  it("a repeated field that is not a list passes its first value only (a browser would take two Content-Types' last); a list passes every line", async () => {
    const response = await api('/repeated');
    const passed = Object.fromEntries(['content-type', 'etag', 'link', 'www-authenticate'].map((name) => [name, response.headers.get(name)]));
    expect({ status: response.status, ...passed }).toEqual({
      status: 200,
      'content-type': 'application/json',
      etag: '"a"',
      link: '<https://api.example/?page=2>; rel="next", <https://api.example/?page=9>; rel="last"',
      'www-authenticate': 'Bearer realm="api", Basic realm="api"',
    });
  });
});

describe('upstream paths', () => {
  it('an absolute-form request target is proxied by its path, not appended as "http://..."', async () => {
    const { status } = await rawGet(`${stack.origin}/api/bad/items?x=1`);
    expect(status).toBe(200);
    expect(upstream.seen.at(-1)?.url).toBe('/v1/items?x=1');
  });

  it.each(['/a;jsessionid=1', '/a/..;/admin', '/%252e%252e/admin', '/%25252e%25252e/admin', '/a%00.json', '/%3b/admin', '/a/%2e%2e/admin', '/a%5c..%5cadmin'])(
    '%s is refused with 400 and never reaches the upstream',
    async (path) => {
      const before = upstream.seen.length;
      const response = await rawGet(`/api/bad${path}`);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_request' });
      expect(upstream.seen.length).toBe(before);
    },
  );

  it('property: any path answers without a 5xx, and whatever reaches the upstream stays under its /v1 path', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...URL_PIECES), { minLength: 1, maxLength: 6 }), async (pieces) => {
        const path = asRawTarget(`/${pieces.join('')}`);
        const before = upstream.seen.length;
        const response = await rawGet(`/api/bad${path}`);
        expect(response.status).toBeLessThan(500);
        for (const call of upstream.seen.slice(before)) {
          const reached = new URL(call.url, upstream.origin).pathname;
          expect(reached === '/v1' || reached.startsWith('/v1/'), call.url).toBe(true);
          expect(call.url.split('?')[0]).not.toMatch(/(^|\/)(\.|%2e){1,2}(\/|$)|;|%00/i);
        }
      }),
      { numRuns: runs(200) },
    );
  });
});
