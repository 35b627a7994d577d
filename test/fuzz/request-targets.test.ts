/**
 * Issue #14, item 7: the Host header and the request target as a raw client sends them (node:net,
 * so nothing normalises them on the way): a missing or empty Host (HTTP/1.0 allows none), any
 * Host value, origin-form, absolute-form, authority-form and asterisk-form targets, on every
 * route. Properties: no 5xx, no error in the log, and every redirect stays on baseUrl's origin
 * (or goes to the provider). Two BFFs: one whose baseUrl has a port, and one behind a proxy on a
 * portless https origin, which it is told of by X-Forwarded-Host.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runs, URL_PIECES } from '../support/fuzz.js';
import { startBffInFrontOf, startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginThrough, sessionIn } from '../support/provider-stack.js';

const PROXIED_ORIGIN = 'https://app.example.test';

let stack: HostileStack;
let proxied: HostileStack;
beforeAll(async () => {
  stack = await startHostileStack((idp) => ({ apis: [{ path: '/api/bad', provider: 'bad', target: `${idp.origin}/userinfo`, methods: ['GET', 'POST'] }] }));
  proxied = await startBffInFrontOf(stack.idp, { baseUrl: PROXIED_ORIGIN, server: { trustProxy: 'loopback' } });
});
afterAll(async () => {
  await proxied?.close();
  await stack?.close();
});

interface RawAnswer {
  /** 0 when the server closed the connection without an answer. */
  status: number;
  location?: string;
}

/** Sends `head` (the request line and headers, without the blank line) as it is, and reads the answer's status and Location. */
function rawRequest(origin: string, head: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // Written, not ended: a client's half-close makes node's server drop an answer still on its way.
    const socket = connect(Number(port), hostname, () => socket.write(`${head}\r\nConnection: close\r\n\r\n`, 'latin1'));
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${JSON.stringify(head)}`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const headers = text.slice(0, text.indexOf('\r\n\r\n'));
      resolve({ status, location: /^location: *(.*)$/im.exec(headers)?.[1]?.trim() });
    });
  });
}

const ROUTES = ['/auth/login/bad', '/auth/login/nope', '/auth/callback/bad', '/auth/callback/nope', '/auth/session', '/auth/logout', '/auth/providers', '/auth/health', '/auth/backchannel-logout/bad', '/api/bad', '/api/bad/x', '/auth/', '/'];
/** What a request line can carry without the server's parser refusing it outright (visible ASCII). */
const visible = (value: string) => value.replace(/[^\x21-\x7e]/g, '');
const pieces = (max: number) => fc.array(fc.constantFrom(...URL_PIECES), { maxLength: max }).map((parts) => visible(parts.join('')));
const query = fc.oneof(fc.constant(''), fc.constant('?returnTo=/home'), fc.constant('?hostRedirected=1'), pieces(4).map((text) => `?returnTo=${text}`), pieces(4).map((text) => `?${text}`));
const AUTHORITIES = ['evil.example', 'evil.example:443', '127.0.0.1', 'app.example.test', 'user@evil.example', '', 'localhost:1', '[::1]:80'];

/** Request targets in every form RFC 9112 §3.2 names, and some it does not. */
const target = fc.oneof(
  fc.tuple(fc.constantFrom(...ROUTES), pieces(3), query).map(([route, suffix, search]) => `${route}${suffix}${search}`),
  fc.tuple(fc.constantFrom('http', 'https', 'HTTP', 'javascript', 'x'), fc.constantFrom(...AUTHORITIES), fc.constantFrom(...ROUTES), query).map(
    ([scheme, authority, route, search]) => `${scheme}://${authority}${route}${search}`,
  ),
  fc.constantFrom('*', 'evil.example:443', '//evil.example/auth/login/bad', '/auth/login/bad?returnTo=//evil.example'),
);

/** Host values: none at all, empty, the right ones, other ones, and garbage. */
const host = (origin: string) =>
  fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('', ' ', new URL(origin).host, 'localhost', 'evil.example', 'evil.example:443', 'app.example.test', '[::1]', 'a b', 'http://evil.example/'),
    pieces(4),
    fc.string({ maxLength: 30 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
  );

function expectStaysHome(answer: RawAnswer, baseUrl: string, head: string) {
  expect(answer.status, head).toBeGreaterThanOrEqual(200);
  expect(answer.status, head).toBeLessThan(500);
  if (answer.location === undefined || answer.location.startsWith(stack.idp.origin)) return;
  expect(answer.location.startsWith('//'), `${head}\n-> ${answer.location}`).toBe(false);
  expect(new URL(answer.location, baseUrl).origin, `${head}\n-> ${answer.location}`).toBe(baseUrl);
}

describe('fuzzing the Host header and the request target', () => {
  for (const [name, bff, forwardedHost] of [
    ['a BFF whose baseUrl has a port', () => stack, false],
    ['a BFF behind a proxy, on a portless https origin', () => proxied, true],
  ] as const) {
    it(`property (${name}): no 5xx, no error logged, every redirect on baseUrl's origin`, async () => {
      const { origin, bff: server } = bff();
      const baseUrl = name.includes('proxy') ? PROXIED_ORIGIN : origin;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'GET', 'POST', 'HEAD', 'OPTIONS', 'PUT'),
          target,
          fc.constantFrom('HTTP/1.1', 'HTTP/1.0'),
          host(origin),
          forwardedHost ? fc.option(host(PROXIED_ORIGIN), { nil: undefined }) : fc.constant(undefined),
          async (method, requestTarget, version, hostValue, xForwardedHost) => {
            const lines = [`${method} ${requestTarget} ${version}`];
            if (hostValue !== undefined) lines.push(`Host: ${hostValue}`);
            if (xForwardedHost !== undefined) lines.push(`X-Forwarded-Host: ${xForwardedHost}`);
            if (method === 'POST' || method === 'PUT') lines.push('Content-Length: 0');
            const head = lines.join('\r\n');
            expectStaysHome(await rawRequest(origin, head), baseUrl, head);
          },
        ),
        { numRuns: runs(300) },
      );
      expect(server.logs.lines.filter((line) => line.level === 'error')).toEqual([]);
    });
  }

  it('a login without Host, or with an absolute-form target, is sent to the same path on baseUrl', async () => {
    const port = new URL(stack.origin).port;
    expect(await rawRequest(stack.origin, 'GET /auth/login/bad?returnTo=%2Fhome HTTP/1.0')).toEqual({
      status: 302,
      location: `${stack.origin}/auth/login/bad?returnTo=%2Fhome&hostRedirected=1`,
    });
    expect(await rawRequest(stack.origin, `GET http://evil.example/auth/login/bad?returnTo=%2Fhome HTTP/1.1\r\nHost: localhost:${port}`)).toEqual({
      status: 302,
      location: `${stack.origin}/auth/login/bad?returnTo=%2Fhome&hostRedirected=1`,
    });
    expect(await rawRequest(proxied.origin, 'GET http://evil.example/auth/login/bad HTTP/1.1\r\nHost: evil.example')).toEqual({
      status: 302,
      location: `${PROXIED_ORIGIN}/auth/login/bad?hostRedirected=1`,
    });
  });

  it('the server still logs people in afterwards', async () => {
    const { location, browser } = await loginThrough(stack, 'bad');
    expect(location).toBe('/home');
    expect(await sessionIn(stack, browser)).toMatchObject({ authenticated: true });
  });
});
