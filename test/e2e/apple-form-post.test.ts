/**
 * Sign in with Apple's form_post in real Chromium over https: Apple's page (another site,
 * 127.0.0.1) POSTs the code to the BFF (localhost). A cross-site POST carries only
 * `SameSite=None; Secure` cookies, so the login's transaction cookie must be one, and the
 * login completes. The control: the same login with the cookie downgraded to `Lax` on its
 * way to the browser loses it (invalid_state), which is why the BFF sets `None`.
 *
 * The certificate is self-signed (openssl) and trusted by Chromium for its key only
 * (`--ignore-certificate-errors-spki-list`), not by ignoring certificate errors.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthBff, silentLogger, type AuthBff } from '../../bff/index.js';
import { TEST_SECRET } from '../support/bff.js';
import { CHROMIUM_SKIP_NOTICE, hasChromium, launchChromium, pagePerTest } from '../support/chromium.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { APPLE_PATHS, appleEntry, startAppleEmulator, type AppleEmulator } from '../../emulators/apple.js';
import { selfSignedCertificate, type TlsCertificate } from '../support/tls-certificate.js';

if (!hasChromium) console.warn(CHROMIUM_SKIP_NOTICE);

/** A page load on a busy two-core machine. */
const SOON = { timeout: 15_000 };
const TX_COOKIE = /^__Host-bff-auth\.tx\.[A-Za-z0-9]+=/;

async function listen(server: Server, host: string): Promise<string> {
  server.listen(0, host);
  await once(server, 'listening');
  return `https://${host}:${(server.address() as AddressInfo).port}`;
}

describe.skipIf(!hasChromium)('Apple form_post in Chromium over https', () => {
  let tls: TlsCertificate;
  let apple: AppleEmulator;
  /** Apple's authorization page on https, in front of the emulator. */
  let applePage: Server;
  let bffServer: Server;
  let origin: string;
  let auth: AuthBff;
  let browser: Browser;
  /** The transaction cookies each callback POST carried (their names only). */
  const callbackCookies: string[][] = [];
  /** Whether the app downgrades the transaction cookie to SameSite=Lax on its way out (the control). */
  let downgrade = false;

  beforeAll(async () => {
    tls = selfSignedCertificate();
    apple = await startAppleEmulator();
    applePage = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      void fetch(apple.origin + (req.url ?? '/')).then(async (answer) => {
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/html' }).end(await answer.text());
      });
    });
    const applePageOrigin = await listen(applePage, '127.0.0.1');

    // Listening first: the BFF's baseUrl names the port.
    bffServer = createServer({ key: tls.key, cert: tls.cert });
    origin = await listen(bffServer, 'localhost');
    auth = createAuthBff({
      baseUrl: origin,
      secrets: [TEST_SECRET],
      logger: silentLogger,
      providers: [
{ ...appleEntry(apple), endpoints: { authorization: applePageOrigin + APPLE_PATHS.authorization } },
      ],
    });
    const app = express()
      .use((req, res, next) => {
        if (req.method === 'POST') {
          const names = (req.headers.cookie ?? '').split(/;\s*/).filter((cookie) => TX_COOKIE.test(cookie));
          callbackCookies.push(names.map((cookie) => cookie.slice(0, cookie.indexOf('='))));
        }
        if (downgrade) {
          const setHeader = res.setHeader.bind(res);
          res.setHeader = (name, value) =>
            setHeader(name, name.toLowerCase() === 'set-cookie' ? [value].flat().map((cookie) => String(cookie).replace('SameSite=None', 'SameSite=Lax')) : value);
        }
        next();
      })
      .use(auth.router)
      .get(['/', '/home'], (_req, res) => res.type('html').send('<!doctype html><title>the app</title>'));
    bffServer.on('request', app);
    browser = await launchChromium([`--ignore-certificate-errors-spki-list=${tls.spkiSha256}`]);
  });
  afterAll(async () => {
    await browser?.close();
    for (const server of [bffServer, applePage]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
    await auth?.close();
    await apple?.close();
  });
  const newPage = pagePerTest(() => browser);
  beforeEach(() => {
    apple.reset();
    callbackCookies.length = 0;
    downgrade = false;
  });

  /** A login from the app's origin, through Apple's page, back to wherever the BFF sends the browser; the transaction cookie as set. */
  async function logIn() {
    const page = await newPage();
    const context = page.context();
    const setCookies: string[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(`${origin}/auth/login/`)) void response.headerValue('set-cookie').then((value) => setCookies.push(...(value ?? '').split('\n')));
    });
    await page.goto(`${origin}/auth/login/apple?returnTo=/home`);
    await page.waitForURL((url) => url.origin === origin && !url.pathname.startsWith('/auth/'), SOON);
    const session = await page.evaluate(async (headers) => (await fetch('/auth/session', { headers })).json() as Promise<unknown>, fetchHeaders);
    return { context, url: page.url(), session, transactionCookie: setCookies.find((cookie) => TX_COOKIE.test(cookie)) };
  }

  it('the SameSite=None; Secure transaction cookie rides the cross-site POST and the login completes', async () => {
    const { context, url, session, transactionCookie } = await logIn();
    expect(transactionCookie).toMatch(/; Secure/i);
    expect(transactionCookie).toMatch(/; SameSite=None/i);
    expect(callbackCookies).toHaveLength(1);
    expect(callbackCookies[0]).toHaveLength(1);
    expect(url).toBe(`${origin}/home`);
    expect(session).toMatchObject({ authenticated: true, user: { providerUserId: apple.user.sub, name: 'Jane Appleseed', email: apple.user.email } });
    // Single use: the callback's answer deleted it.
    expect((await context.cookies(origin)).filter(({ name }) => name.startsWith('__Host-bff-auth.tx.'))).toEqual([]);
  });

  it('the control: downgraded to SameSite=Lax, the cookie stays behind and the login fails as invalid_state', async () => {
    downgrade = true;
    const { url, session, transactionCookie } = await logIn();
    expect(transactionCookie).toMatch(/; SameSite=Lax/i);
    expect(callbackCookies).toEqual([[]]);
    // Without the transaction, its returnTo is unknown too: the BFF sends the browser to /.
    expect(url).toBe(`${origin}/?auth_error=invalid_state`);
    expect(session).toEqual({ authenticated: false });
  });
});
