import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevProvider, type DevProvider } from '../../demo/dev-provider.js';
import { createAuthBff, silentLogger, type AuthBff } from '../../bff/index.js';
import { loginAtDevProvider, TestBrowser } from '../support/browser.js';
import { freePort, TEST_SECRET } from '../support/bff.js';
import { DEV_CLIENT, fetchHeaders } from '../support/dev-stack.js';

let dev: DevProvider;
let auth: AuthBff;
let server: Server;
let origin: string;

beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  dev = await startDevProvider({ clients: [{ ...DEV_CLIENT, redirectUris: [`${origin}/auth/callback/dev`] }] });
  auth = createAuthBff({
    baseUrl: origin,
    secrets: [TEST_SECRET],
    logger: silentLogger,
    providers: [{ id: 'dev', type: 'oidc', issuer: dev.issuer, ...DEV_CLIENT }],
  });
  const app = express();
  app.use(auth.router);
  app.get('/api/me', auth.requireSession(), (req: Request, res: Response) => {
    res.json({ user: req.auth?.user, provider: req.auth?.provider, email: req.auth?.profile.email });
  });
  app.get('/api/token-check', auth.requireSession(), async (req: Request, res: Response) => {
    const token = await req.auth!.accessToken();
    res.json({ issuedByTheProvider: dev.issued.includes(token) });
  });
  server = app.listen(port, '127.0.0.1');
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await auth.close();
  await dev.close();
});

describe("requireSession() on the app's own routes", () => {
  it('answers 401 JSON, never a redirect, without a session', async () => {
    const response = await new TestBrowser().get(`${origin}/api/me`, { headers: fetchHeaders });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'unauthenticated' });
  });

  it('applies the CSRF rule', async () => {
    const response = await new TestBrowser().get(`${origin}/api/me`);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'csrf_required' });
  });

  it('hands the route req.auth with the user, the provider and the raw profile', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(`${origin}/auth/login/dev`);
    const callback = await loginAtDevProvider(browser, start.headers.get('location') ?? '', 'grace', (url) => url.origin === origin);
    await browser.get(callback);
    const response = await browser.get(`${origin}/api/me`, { headers: fetchHeaders });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      user: expect.objectContaining({ id: 'dev:grace', name: 'Grace' }),
      provider: 'dev',
      email: 'grace@example.test',
    });
  });

  it('hands the route the access token for the provider\'s APIs', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(`${origin}/auth/login/dev`);
    await browser.get(await loginAtDevProvider(browser, start.headers.get('location') ?? '', 'heidi', (url) => url.origin === origin));
    const response = await browser.get(`${origin}/api/token-check`, { headers: fetchHeaders });
    expect(await response.json()).toEqual({ issuedByTheProvider: true });
  });
});
