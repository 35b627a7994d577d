import type { Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuthBff, silentLogger, type AuthBff } from '../../bff/index.js';
import { TestBrowser } from '../support/browser.js';
import { behindTlsProxy, freePort, TEST_SECRET } from '../support/bff.js';
import { startHostileProvider, type HostileProvider } from '../support/hostile-provider.js';

// The BFF believes it is https://app.example.test (behind a TLS-terminating proxy); requests reach it on loopback.
const PUBLIC_ORIGIN = 'https://app.example.test';
let idp: HostileProvider;
let auth: AuthBff;
let server: Server;
let local: string;

beforeAll(async () => {
  idp = await startHostileProvider();
  auth = createAuthBff({
    baseUrl: PUBLIC_ORIGIN,
    secrets: [TEST_SECRET],
    logger: silentLogger,
    session: { sameSite: 'lax' },
    providers: [{ id: 'bad', type: 'oidc', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }],
  });
  const port = await freePort();
  local = `http://127.0.0.1:${port}`;
  server = behindTlsProxy(auth.router, PUBLIC_ORIGIN).listen(port, '127.0.0.1');
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await auth.close();
  await idp.close();
});

it('on https the cookies are Secure, with the __Host- prefix, and sameSite is configurable', async () => {
  const browser = new TestBrowser();
  const start = await browser.get(`${local}/auth/login/bad`);
  const transaction = browser.setCookieLog.find((header) => header.startsWith('__Host-bff-auth.tx.')) ?? '';
  expect(transaction).toMatch(/; Path=\/(;|$)/);
  expect(transaction).toMatch(/; Secure/);
  expect(transaction).toMatch(/; SameSite=Lax/);

  const authorize = await browser.get(start.headers.get('location') ?? '');
  const callback = new URL(authorize.headers.get('location') ?? '');
  expect(callback.origin).toBe(PUBLIC_ORIGIN);
  const response = await browser.get(`${local}${callback.pathname}${callback.search}`, {
    headers: { cookie: transaction.slice(0, transaction.indexOf(';')) },
  });
  expect(response.headers.get('location')).toBe('/');
  const session = browser.setCookieLog.find((header) => header.startsWith('__Host-bff-auth=')) ?? '';
  expect(session).toMatch(/^__Host-bff-auth=[A-Za-z0-9_-]{43}; /);
  expect(session).toMatch(/; Path=\/(;|$)/);
  expect(session).toMatch(/; HttpOnly/);
  expect(session).toMatch(/; Secure/);
  expect(session).toMatch(/; SameSite=Lax/);
  expect(session).not.toMatch(/Domain=/i);
});
