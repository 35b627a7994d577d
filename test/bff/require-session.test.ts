import type { Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevProvider } from '../../demo/dev-provider.js';
import { loginAtDevProvider, TestBrowser } from '../support/browser.js';
import { startDevApp, type DevApp } from '../support/dev-app.js';
import { fetchHeaders } from '../support/dev-stack.js';

let dev: DevProvider;
let origin: string;
let app: DevApp;

beforeAll(async () => {
  app = await startDevApp((routes, auth) => {
    routes.get('/api/me', auth.requireSession(), (req: Request, res: Response) => {
      res.json({ user: req.auth?.user, provider: req.auth?.provider, email: req.auth?.profile.email });
    });
    routes.get('/api/token-check', auth.requireSession(), async (req: Request, res: Response) => {
      const token = await req.auth!.accessToken();
      res.json({ issuedByTheProvider: dev.issued.includes(token) });
    });
  });
  ({ dev, origin } = app);
});

afterAll(() => app.close());

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
