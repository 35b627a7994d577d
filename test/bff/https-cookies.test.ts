import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.js';
import { appleEntry, startAppleEmulator } from '../../emulators/apple.js';
import { startHostileStackBehindTls, type TlsHostileStack } from '../support/hostile-stack.js';

// The BFF believes it is https://app.example.test (behind a TLS-terminating proxy); requests reach it on loopback.
const PUBLIC_ORIGIN = 'https://app.example.test';
let stack: TlsHostileStack;

beforeAll(async () => {
  stack = await startHostileStackBehindTls(PUBLIC_ORIGIN, { session: { sameSite: 'lax' } });
});

afterAll(() => stack.close());

it('on https the cookies are Secure, with the __Host- prefix, and sameSite is configurable', async () => {
  const browser = new TestBrowser();
  const start = await browser.get(`${stack.origin}/auth/login/bad`);
  const transaction = browser.setCookieLog.find((header) => header.startsWith('__Host-bff-auth.tx.')) ?? '';
  expect(transaction).toMatch(/; Path=\/(;|$)/);
  expect(transaction).toMatch(/; Secure/);
  expect(transaction).toMatch(/; SameSite=Lax/);

  const authorize = await browser.get(start.headers.get('location') ?? '');
  const callback = new URL(authorize.headers.get('location') ?? '');
  expect(callback.origin).toBe(PUBLIC_ORIGIN);
  const response = await browser.get(`${stack.origin}${callback.pathname}${callback.search}`, {
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

it("on https a form_post provider's transaction cookie is SameSite=None; Secure, so that the provider's cross-site POST carries it", async () => {
  const apple = await startAppleEmulator();
  const appleStack = await startHostileStackBehindTls(PUBLIC_ORIGIN, { providers: [appleEntry(apple)] });
  try {
    const browser = new TestBrowser();
    await browser.get(`${appleStack.origin}/auth/login/apple`);
    const transaction = browser.setCookieLog.find((header) => header.startsWith('__Host-bff-auth.tx.')) ?? '';
    expect(transaction).toMatch(/; Secure/);
    expect(transaction).toMatch(/; SameSite=None/);
    expect(transaction).toMatch(/; HttpOnly/);
  } finally {
    await appleStack.close();
    await apple.close();
  }
});
