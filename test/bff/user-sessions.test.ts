import type { Request, Response } from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthBff } from '../../bff/index.js';
import { createHandleCodec } from '../../bff/crypto/handle.js';
import { sessionKey } from '../../bff/crypto/random.js';
import { loginAtDevProvider, TestBrowser } from '../support/browser.js';
import { startDevApp, type DevApp } from '../support/dev-app.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { sessionWithCookie } from '../support/session-cookie.js';

let auth: AuthBff;
let origin: string;
let app: DevApp;

beforeAll(async () => {
  app = await startDevApp((routes, bff) => {
    routes.get('/api/me', bff.requireSession(), (req: Request, res: Response) => {
      res.json({ userId: req.auth!.user.id, handle: req.auth!.handle });
    });
    // The README's "sign out my other devices".
    routes.post('/api/sign-out-others', bff.requireSession(), async (req: Request, res: Response) => {
      const others = (await bff.sessions.list(req.auth!.user.id)).filter(({ handle }) => handle !== req.auth!.handle);
      let ended = 0;
      for (const { handle } of others) ended += await bff.sessions.end({ handle });
      res.json({ ended });
    });
  });
  ({ auth, origin } = app);
});

afterAll(() => app.close());

interface Device {
  browser: TestBrowser;
  cookie: string;
  userId: string;
  handle: string;
}

/** A browser signed in at the dev provider as `username`. */
async function signIn(username: string): Promise<Device> {
  const browser = new TestBrowser();
  const start = await browser.get(`${origin}/auth/login/dev`);
  await browser.get(await loginAtDevProvider(browser, start.headers.get('location') ?? '', username, (url) => url.origin === origin));
  const cookie = browser.cookies(origin).find((entry) => entry.name === 'bff-auth')?.value ?? '';
  const me = (await (await browser.get(`${origin}/api/me`, { headers: fetchHeaders })).json()) as { userId: string; handle: string };
  return { browser, cookie, ...me };
}

const signedIn = async ({ cookie }: Device) => (await sessionWithCookie(origin, cookie)).body.authenticated;

describe('auth.sessions: a user\'s sessions, through the real routes', () => {
  it('list answers each session of the user with the handle its requests see as req.auth.handle, and no other user\'s', async () => {
    const before = Math.floor(Date.now() / 1000);
    const [laptop, phone, other] = [await signIn('lin'), await signIn('lin'), await signIn('mei')];
    expect(laptop.userId).toBe(phone.userId);

    const listed = await auth.sessions.list(laptop.userId);
    expect(listed.map(({ handle }) => handle).sort()).toEqual([laptop.handle, phone.handle].sort());
    for (const session of listed) {
      expect(session).toEqual({ handle: expect.any(String), provider: 'dev', linked: ['dev'], createdAt: expect.any(Number), lastSeenAt: expect.any(Number) });
      expect(session.createdAt).toBeGreaterThanOrEqual(before);
      expect(session.lastSeenAt).toBeGreaterThanOrEqual(session.createdAt);
      expect(session.lastSeenAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    }
    expect((await auth.sessions.list(other.userId)).map(({ handle }) => handle)).toEqual([other.handle]);
    expect(await auth.sessions.list('nobody')).toEqual([]);
  });

  it('a handle is the same on every request and names its session only: it is not the cookie, holds neither it nor its store key, and signs nobody in', async () => {
    const device = await signIn('lin');
    const again = (await (await device.browser.get(`${origin}/api/me`, { headers: fetchHeaders })).json()) as { handle: string };
    expect(again.handle).toBe(device.handle);
    for (const secret of [device.cookie, sessionKey(device.cookie)]) expect(device.handle).not.toContain(secret);
    const response = await fetch(`${origin}/api/me`, { headers: { ...fetchHeaders, cookie: `bff-auth=${device.handle}` } });
    expect(response.status).toBe(401);
  });

  it('end({ handle }) ends that session alone, at once and for good; a handle ended or made up ends nothing', async () => {
    const [ended, kept] = [await signIn('ana'), await signIn('ana')];
    expect(await auth.sessions.end({ handle: ended.handle })).toBe(1);
    expect(await signedIn(ended)).toBe(false);
    expect((await ended.browser.get(`${origin}/api/me`, { headers: fetchHeaders })).status).toBe(401);
    expect(await signedIn(kept)).toBe(true);
    expect(await auth.sessions.end({ handle: ended.handle })).toBe(0);
    expect(await auth.sessions.end({ handle: 'not-a-handle' })).toBe(0);
    expect((await auth.sessions.list(kept.userId)).map(({ handle }) => handle)).toEqual([kept.handle]);
  });

  it('a handle altered in any way, or sealed under another secret, ends nothing', async () => {
    const device = await signIn('zoe');
    const foreign = createHandleCodec(['another-secret-0123456789-abcdefghijkl'], 'session-handles');
    expect(await auth.sessions.end({ handle: foreign.seal(sessionKey(device.cookie)) })).toBe(0);
    await fc.assert(
      fc.asyncProperty(fc.nat(device.handle.length - 1), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), async (at, letter) => {
        const altered = device.handle.slice(0, at) + letter + device.handle.slice(at + 1);
        fc.pre(altered !== device.handle);
        expect(await auth.sessions.end({ handle: altered })).toBe(0);
      }),
      { numRuns: 50 },
    );
    expect(await signedIn(device)).toBe(true);
  });

  it('end(userId) ends every session of that user and answers how many; other users stay signed in', async () => {
    const [one, two, other] = [await signIn('kim'), await signIn('kim'), await signIn('lee')];
    expect(await auth.sessions.end(one.userId)).toBe(2);
    expect(await signedIn(one)).toBe(false);
    expect(await signedIn(two)).toBe(false);
    expect(await signedIn(other)).toBe(true);
    expect(await auth.sessions.list(one.userId)).toEqual([]);
    expect(await auth.sessions.end(one.userId)).toBe(0);
    const back = await signIn('kim');
    expect((await auth.sessions.list(one.userId)).map(({ handle }) => handle)).toEqual([back.handle]);
  });

  it('"sign out my other devices": a route ends every session of its user but the current one', async () => {
    const [here, there, elsewhere] = [await signIn('sam'), await signIn('sam'), await signIn('sam')];
    const response = await here.browser.post(`${origin}/api/sign-out-others`, { headers: fetchHeaders });
    expect(await response.json()).toEqual({ ended: 2 });
    expect(await signedIn(here)).toBe(true);
    expect(await signedIn(there)).toBe(false);
    expect(await signedIn(elsewhere)).toBe(false);
  });
});
