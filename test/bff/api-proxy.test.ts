import { once } from 'node:events';
import { createServer, request as httpRequest, type ClientRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthBff, ConfigError, silentLogger, type AuthEvent } from '../../bff/index.js';
import { TEST_SECRET } from '../support/bff.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { startIdleCloser, type IdleCloser } from '../support/idle-closer.js';
import { HANG_AFTER_LOGIN_TIMEOUT_MS, loginThrough, onStackFor } from '../support/provider-stack.js';
import type { SessionResponse } from '../../shared/index.js';

/** An upstream API that records what reached it and answers without echoing the token. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
const seen: Seen[] = [];
/** Paths whose request reached the upstream, announced as soon as they do, before their body. */
const arrived: string[] = [];
/** What the upstream has read so far of the request under way on /v1/stream-in. */
let streamedIn = '';
/** Ends the answer under way on /v1/stream-out. */
let finishStreamOut: (() => void) | undefined;
let upstream: Server;
let upstreamOrigin: string;
let stack: HostileStack;
let idleCloser: IdleCloser;
const events: AuthEvent[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    arrived.push(req.url ?? '');
    if (req.url === '/v1/hang') return;
    if (req.url === '/v1/stream-out') {
      res.writeHead(200, { 'content-type': 'text/plain' }).write('first part;');
      finishStreamOut = () => res.end('second part');
      return;
    }
    if (req.url === '/v1/gzipped') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(JSON.stringify({ zipped: true })));
      return;
    }
    if (req.url === '/v1/stream-in') streamedIn = '';
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
      if (req.url === '/v1/stream-in') streamedIn = body;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.setHeader('set-cookie', 'upstream=1; Path=/');
      res.setHeader('x-upstream', 'yes');
      res.setHeader('content-type', 'application/json');
      res.writeHead(req.url?.startsWith('/v1/missing') ? 404 : 200).end(JSON.stringify({ path: req.url, method: req.method, body }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamOrigin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  idleCloser = await startIdleCloser();
  stack = await startHostileStack(() => ({
    // Sessions outlive the access tokens here, so the tests can reach their expiry.
    session: { idleTimeoutSeconds: 7200 },
    httpTimeoutMs: 3000,
    apis: [
      { path: '/api/bad', provider: 'bad', target: `${upstreamOrigin}/v1`, methods: ['GET', 'POST'] },
      { path: '/api/idle-closer', provider: 'bad', target: `${idleCloser.origin}/v1` },
      { path: '/api/post-only', provider: 'bad', target: `${upstreamOrigin}/v1`, methods: ['POST'] },
    ],
    onEvent: (event) => {
      events.push(event);
    },
  }));
});
afterAll(async () => {
  // First the upstream, whose hanging and cut-off answers never end by themselves: else the BFF's
  // close waits out its grace period for the requests still proxying them.
  const closed = new Promise((resolve) => upstream.close(resolve));
  upstream.closeAllConnections();
  await closed;
  await idleCloser.close();
  await stack.close();
});
afterEach(() => {
  stack.idp.reset();
  vi.useRealTimers();
});

const api = (browser: Awaited<ReturnType<typeof loginThrough>>['browser'], path: string, init: RequestInit = {}) =>
  browser.request(`${stack.origin}/api/bad${path}`, { method: 'GET', ...init, headers: { ...fetchHeaders, ...init.headers } });

describe('the API proxy (apis)', () => {
  it("calls the upstream with the session's access token and without the browser's cookies", async () => {
    const { browser } = await loginThrough(stack, 'bad');
    const response = await api(browser, '/repos/list?page=2', { headers: { accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: '/v1/repos/list?page=2', method: 'GET', body: '' });
    expect(response.headers.get('x-upstream')).toBeNull(); // only an allowlist of response headers passes
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');

    const call = seen.at(-1)!;
    const token = call.headers.authorization?.replace(/^Bearer /, '') ?? '';
    expect(stack.idp.issued).toContain(token);
    expect(call.headers.cookie).toBeUndefined();
    expect(call.headers['x-csrf']).toBeUndefined();
    expect(call.headers.accept).toBe('application/json');
  });

  it('sends a GET again when the upstream closed the reused connection as idle just as it went out', async () => {
    const { browser } = await loginThrough(stack, 'bad');
    for (const path of ['/a', '/b']) {
      const response = await browser.request(`${stack.origin}/api/idle-closer${path}`, { method: 'GET', headers: fetchHeaders });
      expect(await response.json()).toEqual({ ok: true });
    }
    expect(idleCloser.arrivals.map(({ connection, request }) => `${connection} ${request}`)).toEqual(['1 GET /v1/a HTTP/1.1', '1 GET /v1/b HTTP/1.1', '2 GET /v1/b HTTP/1.1']);
  });

  it('forwards a POST body and passes the upstream status through', async () => {
    const { browser } = await loginThrough(stack, 'bad');
    const posted = await api(browser, '/items', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await posted.json()).toMatchObject({ method: 'POST', body: '{"a":1}' });
    expect(seen.at(-1)?.headers['content-type']).toBe('application/json');
    expect((await api(browser, '/missing')).status).toBe(404);
  });

  it('refreshes an access token about to expire, once, and keeps using the new one', async () => {
    const { browser } = await loginThrough(stack, 'bad');
    await api(browser, '/before');
    const first = seen.at(-1)?.headers.authorization;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3_590_000);
    await Promise.all([api(browser, '/during-1'), api(browser, '/during-2')]);
    const refreshes = stack.idp.requests.filter((request) => request.path === '/token' && request.body.grant_type === 'refresh_token');
    expect(refreshes).toHaveLength(1);
    await api(browser, '/after');
    const [during1, during2, after] = seen.slice(-3).map((call) => call.headers.authorization);
    expect(during1).not.toBe(first);
    expect(new Set([during1, during2, after]).size).toBe(1);
  });

  it.each([
    ['refuses the refresh token: the session ends', 'invalid_grant', 401, 'unauthenticated', false],
    ['does not answer the refresh: provider_unavailable, and the session stays', 'status-500', 503, 'provider_unavailable', true],
  ] as const)('a provider that %s', async (_, token, status, error, sessionStays) => {
    const { browser } = await loginThrough(stack, 'bad');
    events.length = 0;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3_590_000);
    stack.idp.behave({ token });
    const response = await api(browser, '/x');
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error });
    const session = await browser.get(`${stack.origin}/auth/session`, { headers: fetchHeaders });
    expect(((await session.json()) as SessionResponse).authenticated).toBe(sessionStays);
    // Only a refusal ends the session, and the app hears of it with no token in the event.
    expect(events).toEqual(sessionStays ? [] : [{ type: 'refresh_failed', provider: 'bad', userId: expect.stringMatching(/^bad:/), code: 'token_exchange_failed' }]);
  });

  it('passes a HEAD on as a HEAD where GET is allowed (the head, no body); where it is not, 405 naming the methods', async () => {
    const { browser } = await loginThrough(stack, 'bad');
    const head = await api(browser, '/items/7', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json');
    expect(await head.text()).toBe('');
    expect(seen.at(-1)).toMatchObject({ method: 'HEAD', url: '/v1/items/7' });

    const before = seen.length;
    const refused = await browser.request(`${stack.origin}/api/post-only/items/7`, { method: 'HEAD', headers: fetchHeaders });
    expect(refused.status).toBe(405);
    expect(refused.headers.get('allow')).toBe('POST');
    expect(seen.length).toBe(before);
  });

  it('keeps the CSRF rule, 401 without a session, 405 for other methods, and refuses climbing paths', async () => {
    const anonymous = (await loginThrough(stack, 'bad')).browser;
    expect((await anonymous.get(`${stack.origin}/api/bad/x`)).status).toBe(403);
    expect((await api(anonymous, '/x', { method: 'DELETE' })).status).toBe(405);
    // Encoded four times, past the decoding rounds checked: refused rather than passed on unchecked.
    for (const path of ['/../admin', '/%2e%2e/admin', '/a/..%2f..%2fadmin', '/%E0%A4%A', '/%2525252e%2525252e/admin']) {
      const response = await api(anonymous, path);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(seen.some((call) => call.url.includes('admin') && !call.url.startsWith('/v1/'))).toBe(false);
    }
    const nobody = await fetch(`${stack.origin}/api/bad/x`, { headers: fetchHeaders });
    expect(nobody.status).toBe(401);
  });
});

/** The cookie header of a signed-in browser, for requests sent with node:http (to stream, or to send raw bodies). */
const cookieOf = (browser: Awaited<ReturnType<typeof loginThrough>>['browser']) =>
  browser.cookies(stack.origin).map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');

/** A request to the proxy through node:http, its body written by the caller; resolves with the answer's head once it arrives. */
function rawRequest(cookie: string, path: string, method: string, headers: Record<string, string | number> = {}): { request: ClientRequest; answer: Promise<IncomingMessage> } {
  const { port } = new URL(stack.origin);
  // A connection of its own (no keep-alive pool): one whose body the BFF stopped reading ends with it.
  const request = httpRequest({ host: '127.0.0.1', port, method, path: `/api/bad${path}`, headers: { 'x-csrf': '1', cookie, ...headers }, agent: false });
  const answer = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  return { request, answer };
}

async function textOf(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of response) text += String(chunk);
  return text;
}

/** Resolves once `request` can take more, or has closed; whichever listener did not fire is removed. */
const drainedOrClosed = (request: ClientRequest) =>
  new Promise<void>((resolve) => {
    const done = () => {
      request.off('drain', done).off('close', done);
      resolve();
    };
    request.on('drain', done).on('close', done);
  });

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('the API proxy streams', () => {
  it("the upstream's answer: the browser reads its first part while the upstream has not sent the rest", async () => {
    const { browser } = await loginThrough(stack, 'bad');
    const { request, answer } = rawRequest(cookieOf(browser), '/stream-out', 'GET');
    request.end();
    const response = await answer;
    expect(response.statusCode).toBe(200);
    const [first] = (await once(response, 'data')) as [Buffer];
    expect(first.toString()).toBe('first part;');
    finishStreamOut?.();
    expect(await textOf(response)).toBe('second part');
  });

  it("the browser's body: the upstream reads its first part while the browser has not sent the rest", async () => {
    const { browser } = await loginThrough(stack, 'bad');
    const { request, answer } = rawRequest(cookieOf(browser), '/stream-in', 'POST', { 'content-type': 'text/plain' });
    request.write('part one;');
    await until(() => streamedIn === 'part one;');
    request.end('part two');
    const response = await answer;
    expect(JSON.parse(await textOf(response))).toMatchObject({ body: 'part one;part two' });
  });

  it('a compressed answer as it came, with its encoding', async () => {
    const { browser } = await loginThrough(stack, 'bad');
    const response = await api(browser, '/gzipped');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.json()).toEqual({ zipped: true });
  });
});

describe('the API proxy bounds', () => {
  it('refuses a body announced over 1 MB with 400, before calling the upstream', async () => {
    const { browser } = await loginThrough(stack, 'bad');
    const before = arrived.length;
    const { request, answer } = rawRequest(cookieOf(browser), '/big', 'POST', { 'content-length': 2 * 1024 * 1024 });
    request.on('error', () => {});
    request.write('x');
    const response = await answer;
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(await textOf(response))).toMatchObject({ error: 'invalid_request' });
    expect(arrived.length).toBe(before);
    request.destroy();
  });

  it('stops a streamed body at 1 MB with 400, and the upstream never gets it whole', async () => {
    const { browser } = await loginThrough(stack, 'bad');
    const before = seen.length;
    const { request, answer } = rawRequest(cookieOf(browser), '/big-stream', 'POST');
    request.on('error', () => {});
    const chunk = Buffer.alloc(64 * 1024, 'y');
    const writing = (async () => {
      for (let sent = 0; sent < 2 * 1024 * 1024 && !request.destroyed; sent += chunk.length) {
        if (!request.write(chunk)) await drainedOrClosed(request);
      }
      request.end();
    })();
    const response = await answer;
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(await textOf(response))).toMatchObject({ error: 'invalid_request' });
    request.destroy();
    await writing;
    expect(seen.slice(before).some((call) => call.url === '/v1/big-stream')).toBe(false);
  });

  it('gives up on an upstream that does not answer within httpTimeoutMs: 503 provider_unavailable', async () => {
    await onStackFor(stack, { upstream: 'hang' }, async (target) => {
      const { browser } = await loginThrough(target, 'bad');
      const response = await browser.get(`${target.origin}/api/bad/hang`, { headers: fetchHeaders });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: 'provider_unavailable' });
    }, HANG_AFTER_LOGIN_TIMEOUT_MS);
  });
});

describe('proxy configuration', () => {
  const base = {
    baseUrl: 'http://127.0.0.1:1',
    secrets: [TEST_SECRET],
    logger: silentLogger,
    providers: [
      { id: 'gh', type: 'oauth2' as const, clientId: 'a', clientSecret: 'b', endpoints: { authorization: 'https://a.example/a', token: 'https://a.example/t', userinfo: 'https://a.example/u' } },
      // WeCom signs a member in with its app's token: a session holds no token of the user.
      { id: 'corp', type: 'wecom' as const, clientId: 'ww0123456789', clientSecret: 'c', agentId: 1000002 },
    ],
  };

  it.each([
    [{ path: '/api/x', provider: 'nope', target: 'https://api.example' }, 'apis.0.provider: no provider "nope"'],
    [{ path: '/auth/x', provider: 'gh', target: 'https://api.example' }, 'apis.0.path: must not be under basePath'],
    [{ path: '/api/x', provider: 'gh', target: 'http://api.example' }, 'apis.0.target: must be https'],
    [{ path: 'api', provider: 'gh', target: 'https://api.example' }, 'apis.0.path:'],
    [{ path: '/api/corp', provider: 'corp', target: 'https://qyapi.weixin.qq.com' }, 'apis.0.provider: "corp" gives no token of the user to send upstream'],
  ])('a bad apis entry names its field', (entry, message) => {
    expect(() => createAuthBff({ ...base, apis: [entry] })).toThrow(ConfigError);
    expect(() => createAuthBff({ ...base, apis: [entry] })).toThrow(message);
  });

  it('auth.proxy() checks its options the same way', async () => {
    const auth = createAuthBff(base);
    expect(() => auth.proxy({ path: '/api/x', provider: 'nope', target: 'https://api.example' })).toThrow('proxy.provider: no provider "nope"');
    expect(() => auth.proxy({ path: '/api/corp', provider: 'corp', target: 'https://qyapi.weixin.qq.com' })).toThrow('proxy.provider: "corp" gives no token');
    await auth.close();
  });
});
