import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthBffError, MemorySessionStore, type AuthEvent, type OnEvent, type OnLogin } from '../../bff/index.js';
import type { JsonObject, SessionResponse } from '../../shared/index.js';
import { loginAtDevProvider, TestBrowser } from '../support/browser.js';
import { recordingLogger } from '../support/bff.js';
import { startDevApp, type DevApp } from '../support/dev-app.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { runs } from '../support/fuzz.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';

const admit: OnLogin = () => undefined;
let hook: OnLogin = admit;
const events: AuthEvent[] = [];
const record: OnEvent = (event) => {
  events.push(event);
};
let onEvent: OnEvent = record;
const logs = recordingLogger();
let app: DevApp;
const KEY_PREFIX = `bff-auth-test:login-hook:${randomBytes(6).toString('hex')}:`;
let origin: string;


interface Attempt {
  browser: TestBrowser;
  /** Where the callback sent the browser. */
  location: string;
  callbackUrl: string;
  /** The session cookie the callback set, or '' for none. */
  cookie: string;
  /** The transaction cookie the callback consumed. */
  transaction: { name: string; value: string };
}

async function attemptLogin(username = 'alice'): Promise<Attempt> {
  const browser = new TestBrowser();
  const start = await browser.get(`${origin}/auth/login/dev`);
  const callbackUrl = await loginAtDevProvider(browser, start.headers.get('location') ?? '', username, (url) => url.origin === origin);
  const tx = browser.cookies(`${origin}/auth/callback/dev`).find((cookie) => cookie.name.startsWith('bff-auth.tx.'));
  const callback = await browser.get(callbackUrl);
  expect(callback.status).toBe(302);
  const cookie = browser.cookies(origin).find((entry) => entry.name === 'bff-auth')?.value ?? '';
  return { browser, location: callback.headers.get('location') ?? '', callbackUrl, cookie, transaction: { name: tx?.name ?? '', value: tx?.value ?? '' } };
}

async function sessionOf(browser: TestBrowser): Promise<{ text: string; body: SessionResponse }> {
  const response = await browser.get(`${origin}/auth/session`, { headers: fetchHeaders });
  const text = await response.text();
  return { text, body: JSON.parse(text) as SessionResponse };
}

const signedIn = (body: SessionResponse) => body as Extract<SessionResponse, { authenticated: true }>;

async function expectRefused({ browser, location }: Attempt, code: string) {
  expect(location).toBe(`/?auth_error=${code}`);
  expect(browser.cookies(origin).some((cookie) => cookie.name === 'bff-auth')).toBe(false);
  expect((await sessionOf(browser)).body).toEqual({ authenticated: false });
}

function nested(depth: number): JsonObject {
  let value: JsonObject = {};
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
}

const reasons = () => logs.lines.filter((line) => String(line.event).startsWith('login.')).map((line) => line.reason).filter(Boolean);


/** Keys that trip naive object handling. */
const oddKey = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', 'hasOwnProperty'));
const appData = fc.oneof(
  fc.dictionary(oddKey, fc.jsonValue({ maxDepth: 8 })),
  fc.dictionary(oddKey, fc.string({ minLength: 1000, maxLength: 3000 }), { maxKeys: 3 }),
  fc.letrec<{ deep: unknown }>((tie) => ({ deep: fc.oneof({ depthSize: 'large', maxDepth: 60 }, fc.constant(null), fc.dictionary(oddKey, tie('deep'), { minKeys: 1, maxKeys: 1 })) })).deep.map((deep) => ({ deep })),
) as fc.Arbitrary<JsonObject>;


/** The memory store, made on cue to lose every compare-and-set: another write always got there first. */
class LosingUpdates extends MemorySessionStore {
  losing = false;

  override async update(...args: Parameters<MemorySessionStore['update']>) {
    return this.losing ? false : super.update(...args);
  }
}
const memory = new LosingUpdates();
afterAll(() => memory.close());

describe.each([
  ['the memory store', { store: memory }],
  ['Redis', { store: REDIS_URL, keyPrefix: KEY_PREFIX }],
])('on %s', (_, session) => {
  beforeAll(async () => {
    app = await startDevApp(
      (routes, auth) => {
        routes.get('/api/me', auth.requireSession(), (req: Request, res: Response) => {
          res.json({ user: req.auth!.user, sessionData: req.auth!.sessionData ?? null });
        });
        routes.post('/api/grant', auth.requireSession(), async (req: Request, res: Response) => {
          await auth.updateSession(req, res, req.query.only === 'client' ? { clientData: { plan: 'team' } } : { sessionData: { roles: ['admin'] }, clientData: { plan: 'team' } });
          res.status(204).end();
        });
        routes.post('/api/grant-anyone', async (req: Request, res: Response) => {
          try {
            await auth.updateSession(req, res, { clientData: { plan: 'team' } });
            res.status(204).end();
          } catch (error) {
            res.status((error as AuthBffError).status).json({ error: (error as AuthBffError).code });
          }
        });
        // A page that works signed in or out: no CSRF header needed, it only reads.
        routes.get('/welcome', auth.optionalSession(), (req: Request, res: Response) => {
          res.type('text').send(req.auth ? `hello ${req.auth.user.id}` : 'hello guest');
        });
        routes.get('/rendered', async (req: Request, res: Response) => {
          const session = await auth.readSession(req, res);
          res.json({
            initialSession: session ? { authenticated: true, user: session.user, provider: session.provider, linked: session.linked, clientData: session.clientData, expiresAt: session.expiresAt } : { authenticated: false },
          });
        });
      },
      {
        logger: logs,
        // The onLogin hook's time limit, which the hanging hook's test waits out: short. Every other
        // hook here answers at once.
        httpTimeoutMs: 200,
        onLogin: (login) => hook(login),
        onEvent: (event) => onEvent(event),
        session,
      },
      // The provider's calls have their own, with room for a busy machine (with two suites at once a
      // login once took over 1 s and ended as provider_unavailable).
      { httpTimeoutMs: 3000 },
    );
    ({ origin } = app);
  });
  afterAll(async () => {
    await app.close();
    const redis = new Redis(REDIS_URL);
    await deleteKeys(redis, `${KEY_PREFIX}*`);
    await redis.quit();
  });
  beforeEach(() => {
    hook = admit;
    onEvent = record;
    events.length = 0;
    logs.lines.length = 0;
  });

  describe('onLogin: admit, refuse, map, through the real callback', () => {
    it('refuses with access_denied when the hook says false: no session, the transaction spent (replaying the callback fails)', async () => {
      hook = () => false;
      const attempt = await attemptLogin();
      await expectRefused(attempt, 'access_denied');

      hook = admit;
      attempt.browser.setCookie(origin, attempt.transaction.name, attempt.transaction.value);
      const replay = await attempt.browser.get(attempt.callbackUrl);
      expect(replay.headers.get('location')).toBe('/?auth_error=invalid_state');
      expect(reasons()).toEqual(['onLogin_refused', 'callback_replayed']);
      expect(events).toEqual([
        { type: 'login_failed', provider: 'dev', code: 'access_denied', reason: 'onLogin_refused' },
        { type: 'login_failed', provider: 'dev', code: 'invalid_state', reason: 'callback_replayed' },
      ]);
    });

    it('passes the normalized user, the raw profile and the access token to the hook', async () => {
      let seen: Parameters<OnLogin>[0] | undefined;
      hook = (login) => {
        seen = login;
      };
      await attemptLogin();
      expect(seen).toMatchObject({ provider: 'dev', user: { id: 'dev:alice', providerUserId: 'alice' }, profile: { sub: 'alice' } });
      expect(app.dev.issued).toContain(seen?.accessToken);
    });

    // The hanging hook is waited out for the whole httpTimeoutMs, and no store is touched before the
    // hook settles: it runs on the memory store only.
    const hangs = session.store === memory ? [['takes longer than httpTimeoutMs', () => new Promise<never>(() => {}), 'onLogin_timeout'] as const] : [];
    it.each([
      ['throws', () => Promise.reject(new Error('database down at postgres://app:hunter2@db')), 'onLogin_threw'],
      ...hangs,
      ['answers clientData over 4 KiB', () => ({ clientData: { blob: 'x'.repeat(5 * 1024) } }), 'clientData_too_large'],
      ['answers sessionData over 4 KiB', () => ({ sessionData: { blob: 'x'.repeat(5 * 1024) } }), 'sessionData_too_large'],
      ['answers sessionData that is not JSON', () => ({ sessionData: { when: new Date(0) } as unknown as JsonObject }), 'sessionData_not_json'],
      ['answers clientData that is an array', () => ({ clientData: [1] as unknown as JsonObject }), 'clientData_not_object'],
      ['answers clientData nested 100,000 deep', () => ({ clientData: nested(100_000) }), 'clientData_not_json'],
      ['answers an empty userId', () => ({ userId: '' }), 'onLogin_bad_user_id'],
      ['answers something that is not a decision', () => 'admit' as unknown as JsonObject, 'onLogin_bad_answer'],
    ] as const)('fails with internal_error and no session when the hook %s, logging why (never its message)', async (_, run, reason) => {
      hook = run;
      const attempt = await attemptLogin();
      await expectRefused(attempt, 'internal_error');
      expect(reasons()).toEqual([reason]);
      expect(logs.text()).not.toContain('hunter2');
      expect(events).toEqual([{ type: 'login_failed', provider: 'dev', code: 'internal_error', reason }]);
    });

    it('fails with the code of an AuthBffError the hook throws', async () => {
      hook = () => {
        throw new AuthBffError('access_denied', 'Not a member of the organisation.');
      };
      await expectRefused(await attemptLogin(), 'access_denied');
      expect(reasons()).toEqual(['onLogin_refused']);
    });

    it("maps the login: the app's userId in /auth/session and req.auth, clientData to the browser, sessionData never in a response", async () => {
      hook = () => ({ userId: 'user-42', sessionData: { roles: ['admin'], marker: 'server-only-7f3a' }, clientData: { plan: 'pro' } });
      const { browser, location } = await attemptLogin();
      expect(location).toBe('/');
      const { text, body } = await sessionOf(browser);
      expect(body).toEqual({
        authenticated: true,
        provider: 'dev',
        expiresAt: expect.any(Number),
        linked: ['dev'],
        clientData: { plan: 'pro' },
        user: expect.objectContaining({ id: 'user-42', provider: 'dev', providerUserId: 'alice' }),
      });
      expect(text).not.toContain('server-only-7f3a');
      expect(browser.setCookieLog.join('\n')).not.toContain('server-only-7f3a');

      const me = await (await browser.get(`${origin}/api/me`, { headers: fetchHeaders })).json();
      expect(me).toEqual({ user: expect.objectContaining({ id: 'user-42' }), sessionData: { roles: ['admin'], marker: 'server-only-7f3a' } });
      expect(await app.auth.sessions.list('user-42')).toHaveLength(1);
      expect(events).toEqual([{ type: 'login', provider: 'dev', userId: 'user-42', linked: ['dev'] }]);
    });

    it('keeps a session without app data as it was: no clientData in /auth/session, sessionData undefined', async () => {
      const { browser } = await attemptLogin();
      expect('clientData' in (await sessionOf(browser)).body).toBe(false);
      expect(await (await browser.get(`${origin}/api/me`, { headers: fetchHeaders })).json()).toMatchObject({ sessionData: null });
    });
  });

  describe('auth.updateSession', () => {
    it('changes sessionData and clientData, seen by the next read of every tab', async () => {
      hook = () => ({ clientData: { plan: 'pro' }, sessionData: { roles: [] } });
      const { browser } = await attemptLogin();
      const otherTab = new TestBrowser();
      const cookie = browser.cookies(origin).find((entry) => entry.name === 'bff-auth')!;
      otherTab.setCookie(origin, cookie.name, cookie.value);
      expect(signedIn((await sessionOf(otherTab)).body).clientData).toEqual({ plan: 'pro' });

      expect((await browser.post(`${origin}/api/grant`, { headers: fetchHeaders })).status).toBe(204);
      expect(signedIn((await sessionOf(otherTab)).body).clientData).toEqual({ plan: 'team' });
      expect(await (await otherTab.get(`${origin}/api/me`, { headers: fetchHeaders })).json()).toMatchObject({ sessionData: { roles: ['admin'] } });
    });

    it('leaves the field it is not given as it was', async () => {
      hook = () => ({ sessionData: { roles: ['reader'] } });
      const { browser } = await attemptLogin();
      await browser.post(`${origin}/api/grant?only=client`, { headers: fetchHeaders });
      expect(await (await browser.get(`${origin}/api/me`, { headers: fetchHeaders })).json()).toMatchObject({ sessionData: { roles: ['reader'] } });
    });

    // On cue on the memory store only: a Redis store cannot be made to lose.
    if (session.store === memory) {
      it('gives up with 503 session_store_unavailable when another write wins every time, and writes nothing', async () => {
        const { browser } = await attemptLogin();
        memory.losing = true;
        try {
          const response = await browser.post(`${origin}/api/grant-anyone`);
          expect(response.status).toBe(503);
          expect(await response.json()).toEqual({ error: 'session_store_unavailable' });
        } finally {
          memory.losing = false;
        }
        expect(signedIn((await sessionOf(browser)).body).clientData).toBeUndefined();
      });
    }

    it('lands every one of several updates at once (compare-and-set, read again on a conflict), and none after a logout', async () => {
      const { browser } = await attemptLogin();
      const updates = await Promise.all(Array.from({ length: 6 }, () => browser.post(`${origin}/api/grant`, { headers: fetchHeaders })));
      expect(updates.map((response) => response.status)).toEqual(Array(6).fill(204));
      expect(signedIn((await sessionOf(browser)).body).clientData).toEqual({ plan: 'team' });
      const cookie = browser.cookies(origin).find((entry) => entry.name === 'bff-auth')!;
      await browser.post(`${origin}/auth/logout`, { headers: fetchHeaders });
      const stale = new TestBrowser();
      stale.setCookie(origin, cookie.name, cookie.value);
      expect((await stale.post(`${origin}/api/grant-anyone`)).status).toBe(401);
      expect((await sessionOf(stale)).body).toEqual({ authenticated: false });
    });

    it('rejects with unauthenticated without a session', async () => {
      const response = await new TestBrowser().post(`${origin}/api/grant-anyone`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'unauthenticated' });
    });
  });

  describe('reading the session without requiring it', () => {
    it('optionalSession() sets req.auth when signed in and goes on when signed out, with no CSRF header', async () => {
      expect(await (await new TestBrowser().get(`${origin}/welcome`)).text()).toBe('hello guest');
      hook = () => ({ userId: 'user-7' });
      const { browser } = await attemptLogin();
      expect(await (await browser.get(`${origin}/welcome`)).text()).toBe('hello user-7');
    });

    it('readSession() answers the session for a server-rendered page, or null', async () => {
      expect(await (await new TestBrowser().get(`${origin}/rendered`)).json()).toEqual({ initialSession: { authenticated: false } });
      hook = () => ({ clientData: { plan: 'pro' } });
      const { browser } = await attemptLogin('bob');
      const rendered = (await (await browser.get(`${origin}/rendered`)).json()) as { initialSession: SessionResponse };
      const { body } = await sessionOf(browser);
      expect(body).toMatchObject({ clientData: { plan: 'pro' } });
      expect(rendered.initialSession).toEqual({ ...body, expiresAt: expect.any(Number) });
    });

    it('optionalSession() clears a stale cookie and treats the request as signed out', async () => {
      const browser = new TestBrowser();
      browser.setCookie(origin, 'bff-auth', 'A'.repeat(43));
      expect(await (await browser.get(`${origin}/welcome`)).text()).toBe('hello guest');
    });
  });

  describe('onEvent', () => {
    it('tells of a login, a logout and sessions ended by auth.sessions.end, in order, never with a token, code or cookie', async () => {
      hook = () => ({ userId: 'user-9' });
      const first = await attemptLogin();
      await first.browser.post(`${origin}/auth/logout`, { headers: fetchHeaders });
      const second = await attemptLogin();
      const third = await attemptLogin();
      const { handle } = (await app.auth.sessions.list('user-9'))[0]!;
      expect(await app.auth.sessions.end({ handle })).toBe(1);
      expect(await app.auth.sessions.end('user-9')).toBe(1);
      const login = { type: 'login', provider: 'dev', userId: 'user-9', linked: ['dev'] };
      expect(events).toEqual([
        login,
        { type: 'logout', provider: 'dev', userId: 'user-9' },
        login,
        login,
        { type: 'session_ended', by: 'sessions.end', handle, count: 1 },
        { type: 'session_ended', by: 'sessions.end', userId: 'user-9', count: 1 },
      ]);
      const told = JSON.stringify(events);
      for (const { cookie, callbackUrl } of [first, second, third]) {
        expect(cookie).not.toBe('');
        expect(told).not.toContain(cookie);
        expect(told).not.toContain(new URL(callbackUrl).searchParams.get('code'));
      }
      for (const token of app.dev.issued) expect(told).not.toContain(token);
    });

    it('tells of one logout when the browser sends several at once (a double click, two tabs): only the one that ended the session', async () => {
      hook = () => ({ userId: 'user-7' });
      const { browser } = await attemptLogin();
      events.length = 0;
      const answers = await Promise.all(Array.from({ length: 8 }, () => browser.post(`${origin}/auth/logout`, { headers: fetchHeaders })));
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
      const redirects = await Promise.all(answers.map(async (answer) => ((await answer.json()) as { redirectTo: string | null }).redirectTo));
      expect(redirects.filter((redirectTo) => redirectTo !== null)).toHaveLength(1);
      expect(events).toEqual([{ type: 'logout', provider: 'dev', userId: 'user-7' }]);
      expect(logs.lines.filter((line) => line.event === 'logout' && line.user === 'user-7')).toHaveLength(1);
      expect((await sessionOf(browser)).body).toEqual({ authenticated: false });
    });

    it("is never waited for, and a handler's exception or rejection is logged and swallowed", async () => {
      onEvent = () => new Promise<void>(() => {});
      expect((await attemptLogin()).location).toBe('/');
      onEvent = () => {
        throw new Error('audit log down');
      };
      const { browser, location } = await attemptLogin();
      expect(location).toBe('/');
      expect((await sessionOf(browser)).body).toMatchObject({ authenticated: true });
      onEvent = () => Promise.reject(new Error('audit log down'));
      expect((await browser.post(`${origin}/auth/logout`, { headers: fetchHeaders })).status).toBe(200);
      await vi.waitFor(() => expect(logs.lines.filter((line) => line.event === 'event.handler_failed')).toHaveLength(2));
      expect(logs.lines.filter((line) => line.event === 'event.handler_failed')).toEqual([
        { level: 'error', event: 'event.handler_failed', event_type: 'login', reason: 'unexpected_Error' },
        { level: 'error', event: 'event.handler_failed', event_type: 'logout', reason: 'unexpected_Error' },
      ]);
    });
  });

  describe('clientData and sessionData values (fast-check, through the real routes)', () => {
    it('are stored and read back equal, or the login is refused cleanly with internal_error', async () => {
      await fc.assert(
        fc.asyncProperty(appData, appData, async (clientData, sessionData) => {
          hook = () => ({ clientData, sessionData });
          const attempt = await attemptLogin();
          const canonical = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
          // JSON gives back neither -0 nor anything over 4 KiB.
          const storable = [clientData, sessionData].every((value) => Buffer.byteLength(JSON.stringify(value)) <= 4096 && isDeepStrictEqual(canonical(value), value));
          if (!storable) return expectRefused(attempt, 'internal_error');
          expect(attempt.location).toBe('/');
          expect(signedIn((await sessionOf(attempt.browser)).body).clientData).toEqual(canonical(clientData));
          const me = (await (await attempt.browser.get(`${origin}/api/me`, { headers: fetchHeaders })).json()) as { sessionData: unknown };
          expect(me.sessionData).toEqual(canonical(sessionData));
        }),
        { numRuns: runs(12) },
      );
    });
  });
});
