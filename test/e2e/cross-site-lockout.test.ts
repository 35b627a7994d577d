/**
 * Issue #14, item 4, in a real browser: a page on another site holding dozens of `<img>` tags to
 * the login and callback routes must not lock its visitor (and everyone behind the same IP) out
 * of signing in. Chromium marks those requests `Sec-Fetch-Dest: image`; the BFF refuses them
 * before the rate limit counts them, and the visitor's own top-level login still goes through.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthBff, silentLogger, type AuthBff } from '../../bff/index.js';
import { freePort, TEST_SECRET } from '../support/bff.js';
import { CHROMIUM_SKIP_NOTICE, hasChromium, pagePerTest, sharedChromium } from '../support/chromium.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { startHostileProvider, type HostileProvider } from '../support/hostile-provider.js';

if (!hasChromium) console.warn(CHROMIUM_SKIP_NOTICE);

/** The default quota is 30 a minute per route; the page sends more than that to each. */
const TAGS_PER_ROUTE = 40;
/** A page load on a busy two-core machine. */
const SOON = { timeout: 10_000 };

describe.skipIf(!hasChromium)('another site embedding the login and callback routes, in Chromium', () => {
  let idp: HostileProvider;
  let auth: AuthBff;
  let bff: Server;
  let origin: string;
  /** What reached the BFF's auth routes: the page cannot see the answers (Cross-Origin-Resource-Policy), the server can. */
  const arrived: Array<{ path: string; destination?: string; status: number }> = [];
  let attacker: Server;
  let attackerOrigin: string;
  let browser: Browser;

  beforeAll(async () => {
    idp = await startHostileProvider();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    // The default rate limit, as a deployment has it; the router mounted in an app of its own.
    auth = createAuthBff({
      baseUrl: origin,
      secrets: [TEST_SECRET],
      logger: silentLogger,
      providers: [{ id: 'bad', type: 'oidc', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }],
    });
    const app = express()
      .use((req, res, next) => {
        const { path } = req;
        res.on('finish', () => arrived.push({ path, destination: req.get('sec-fetch-dest'), status: res.statusCode }));
        next();
      })
      .use(auth.router)
      .get('/home', (_req, res) => res.type('html').send('<!doctype html><title>the app</title>'));
    bff = app.listen(port, '127.0.0.1');
    await once(bff, 'listening');

    // Distinct URLs, as an attacker would write them: the browser loads a repeated image once.
    const tags = Array.from({ length: TAGS_PER_ROUTE }, (_, i) =>
      `<img src="${origin}/auth/login/x?n=${i}"><img src="${origin}/auth/callback/x?code=c&state=s&n=${i}">`,
    ).join('');
    attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>cats</title>${tags}`));
    // localhost: another site than the BFF's 127.0.0.1.
    attacker.listen(0, 'localhost');
    await once(attacker, 'listening');
    attackerOrigin = `http://localhost:${(attacker.address() as AddressInfo).port}`;
    browser = await sharedChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await new Promise((resolve) => bff?.close(resolve));
    await auth?.close();
    await idp?.close();
  });
  const newPage = pagePerTest(() => browser);

  it("the page's images are refused (403) and the visitor's own login still goes through, callback included", async () => {
    const page = await newPage();
    await page.goto(attackerOrigin);
    const embedded = () => arrived.filter(({ path }) => /^\/auth\/(login|callback)\/x$/.test(path));
    await expect.poll(() => embedded().length, SOON).toBe(2 * TAGS_PER_ROUTE);
    expect(new Set(arrived.map(({ destination, status }) => `${destination} ${status}`))).toEqual(new Set(['image 403']));

    // The visitor then signs in: the login route, the provider, the callback, back to the app.
    arrived.length = 0;
    await page.goto(`${origin}/auth/login/bad?returnTo=/home`);
    expect(arrived.filter(({ path }) => path.startsWith('/auth/')).map(({ destination, status }) => [destination, status])).toEqual([
      ['document', 302],
      ['document', 302],
    ]);
    expect(page.url()).toBe(`${origin}/home`);
    const session = await page.evaluate(async (headers) => (await fetch('/auth/session', { headers })).json() as Promise<unknown>, fetchHeaders);
    expect(session).toMatchObject({ authenticated: true });
  });
});
