import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.js';
import { startIdleCloser } from '../support/idle-closer.js';

describe('TestBrowser cookie jar', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/set') {
        res.setHeader('set-cookie', [
          'site=1; Path=/; HttpOnly; SameSite=Strict',
          'scoped=2; Path=/app',
          'secure=3; Path=/; Secure',
        ]);
      } else if (url.pathname === '/clear') {
        res.setHeader('set-cookie', 'site=; Path=/; Max-Age=0');
      } else if (url.pathname === '/hop') {
        res.writeHead(302, { location: '/app/echo' }).end();
        return;
      }
      res.end(req.headers.cookie ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('scopes cookies by path, keeps Secure off http, and deletes on Max-Age=0', async () => {
    const browser = new TestBrowser();
    await (await browser.get(`${origin}/set`)).text();
    expect(browser.cookies().find((cookie) => cookie.name === 'site')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    expect(await (await browser.get(`${origin}/app/echo`)).text()).toBe('scoped=2; site=1');
    expect(await (await browser.get(`${origin}/application`)).text()).toBe('site=1');
    const followed = await browser.follow(`${origin}/hop`);
    expect(followed.url).toBe(`${origin}/app/echo`);
    expect(await followed.response.text()).toBe('scoped=2; site=1');

    await (await browser.get(`${origin}/clear`)).text();
    expect(await (await browser.get(`${origin}/app/echo`)).text()).toBe('scoped=2');
    expect(browser.setCookieLog).toContain('site=; Path=/; Max-Age=0');
  });
});

describe('TestBrowser on a connection the server closes as idle', () => {
  it('sends the GET again, as a browser does', async () => {
    const closer = await startIdleCloser();
    try {
      const browser = new TestBrowser();
      for (const path of ['a', 'b', 'c', 'd']) expect(await (await browser.get(`${closer.origin}/${path}`)).json()).toEqual({ ok: true });
      expect(closer.closedOne()).toBe(true);
    } finally {
      await closer.close();
    }
  });
});
