import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthBffConfig, AuthEvent, LoginAttempt, OnLogin } from '../../bff/index.js';
import type { JsonObject, LogoutResponse, SessionResponse } from '../../shared/index.js';
import { TestBrowser } from '../support/browser.js';
import { startDevApp, type DevApp } from '../support/dev-app.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { DISCORD_PATHS, startDiscordEmulator, type DiscordEmulator } from '../../emulators/discord.js';
import { HOSTILE_SUBJECT, startHostileProvider, type HostileProvider } from '../support/hostile-provider.js';
import { entryAt } from '../support/platform-cases/platform-case.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';

const KEY_PREFIX = `bff-auth-test:account-linking:${randomBytes(6).toString('hex')}:`;

/** What reached the upstream API, by path. */
const upstreamSaw: { path: string; headers: IncomingHttpHeaders }[] = [];
let upstream: Server;
let upstreamOrigin: string;
let bad: HostileProvider;
let discord: DiscordEmulator;
let app: DevApp;
let origin: string;
const attempts: LoginAttempt[] = [];
let decide: OnLogin = () => undefined;
const events: AuthEvent[] = [];

/** Providers beside `bad` (the login, OIDC) and `discord` (the link): the same Discord app under other ids, to reach the limit of five. */
const MORE_DISCORD_IDS = ['chat', 'd3', 'd4', 'd5'];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    upstreamSaw.push({ path: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamOrigin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  [bad, discord] = await Promise.all([startHostileProvider(), startDiscordEmulator()]);
});
afterAll(async () => {
  await Promise.all([bad?.close(), discord?.close(), new Promise((resolve) => upstream?.close(resolve))]);
});

/** The app on `session`'s store, for the cases `cases` defines. */
function onStore(session: AuthBffConfig['session'], cases: () => void) {
  beforeAll(async () => {
    const discordEntry = entryAt(discord, 'discord', DISCORD_PATHS);
    app = await startDevApp(
      (express, auth) => {
        // Whether req.auth.accessToken(provider) answers the token the proxy sends, without showing it.
        express.get('/api/token-of/:provider', auth.requireSession(), async (req, res) => {
          const provider = String(req.params.provider);
          const token = await req.auth?.accessToken(provider).catch((error: { code?: string }) => error.code);
          const sent = upstreamSaw.findLast((seen) => seen.path.startsWith(`/${provider}/`))?.headers.authorization;
          res.json({ sameAsProxy: sent === `Bearer ${String(token)}`, linked: req.auth?.linked, handle: req.auth?.handle });
        });
      },
      {
        providers: [
          { id: 'bad', type: 'oidc', issuer: bad.issuer, clientId: bad.clientId, clientSecret: bad.clientSecret },
          discordEntry,
          ...MORE_DISCORD_IDS.map((id) => ({ ...discordEntry, id })),
        ],
        apis: ['bad', 'discord', 'chat'].map((provider) => ({ path: `/api/${provider}`, provider, target: `${upstreamOrigin}/${provider}` })),
        onLogin: (attempt) => {
          attempts.push(attempt);
          return decide(attempt);
        },
        onEvent: (event) => {
          events.push(event);
        },
        httpTimeoutMs: 5000,
        session,
      },
    );
    origin = app.origin;
  });
  beforeEach(async () => {
    await app.auth.sessions.end(`bad:${HOSTILE_SUBJECT}`);
    decide = () => undefined;
    attempts.length = 0;
    events.length = 0;
    upstreamSaw.length = 0;
    bad.reset();
    discord.reset();
  });
  afterAll(async () => {
    await app?.close();
    const redis = new Redis(REDIS_URL);
    await deleteKeys(redis, `${KEY_PREFIX}*`);
    await redis.quit();
  });
  cases();
}

const SESSION_COOKIE = 'bff-auth';
const cookieOf = (browser: TestBrowser) => browser.cookies(origin).find((cookie) => cookie.name === SESSION_COOKIE)?.value;

async function sessionOf(browser: TestBrowser): Promise<SessionResponse> {
  return (await browser.get(`${origin}/auth/session`, { headers: fetchHeaders })).json() as Promise<SessionResponse>;
}

/**
 * A login at `provider` started in `browser`. The callback comes back in a browser holding
 * only the login's transaction cookie, as a real browser sends the provider's cross-site
 * redirect (the SameSite=Strict session cookie stays behind). Answers that browser and where it landed.
 */
async function login(browser: TestBrowser, provider: string, { link = false } = {}): Promise<{ browser: TestBrowser; location: string }> {
  return callback(browser, await approved(browser, provider, { link }));
}

/** The first half of {@link login}: the callback URL the provider sends the browser back to. */
async function approved(browser: TestBrowser, provider: string, { link = false } = {}): Promise<string> {
  const start = await browser.get(`${origin}/auth/login/${provider}?returnTo=%2Fhome${link ? '&link=1' : ''}`);
  const back = await browser.get(start.headers.get('location') ?? '');
  return back.headers.get('location') ?? '';
}

/** The second half of {@link login}: the callback, cross-site. */
async function callback(browser: TestBrowser, callbackUrl: string): Promise<{ browser: TestBrowser; location: string }> {
  const crossSite = new TestBrowser();
  const state = new URL(callbackUrl).searchParams.get('state') ?? '';
  const transaction = browser.cookies(callbackUrl).find(({ name }) => name === `bff-auth.tx.${state}`);
  if (transaction) crossSite.setCookie(origin, transaction.name, transaction.value);
  const answer = await crossSite.get(callbackUrl);
  expect(answer.status).toBe(302);
  return { browser: crossSite, location: answer.headers.get('location') ?? '' };
}

/** Signed in at `bad`, then `discord` linked: the browser holding the linked session, and the one left with the old id. */
async function linked() {
  const first = await login(new TestBrowser(), 'bad');
  const second = await login(first.browser, 'discord', { link: true });
  expect(second.location).toBe('/home');
  return { before: first.browser, after: second.browser };
}

const api = (browser: TestBrowser, provider: string) => browser.get(`${origin}/api/${provider}/resource`, { headers: fetchHeaders });
const bearerAt = (provider: string) => upstreamSaw.findLast((seen) => seen.path.startsWith(`/${provider}/`))?.headers.authorization?.replace(/^Bearer /, '');
const requestsTo = <Recorded extends { path: string }>(idp: { requests: Recorded[] }, path: string) => idp.requests.filter((request) => request.path === path);

describe.each([
  ['the memory store', { store: 'memory' as const }],
  ['Redis', { store: REDIS_URL, keyPrefix: KEY_PREFIX }],
])('on %s', (_, session) =>
  onStore(session, () => {
    describe('account linking: GET /auth/login/:provider?link=1 with a session open', () => {
      it('tells onLogin the open session, keeps its user and provider, and holds both token sets under a fresh id', async () => {
        decide = ({ current }) => {
          const sessionData: JsonObject = current ? { linkedBy: 'test' } : { roles: ['reader'] };
          return { sessionData };
        };
        const first = await login(new TestBrowser(), 'bad');
        const { browser, location } = await login(first.browser, 'discord', { link: true });
        expect(location).toBe('/home');

        const [, linkAttempt] = attempts;
        expect(linkAttempt?.provider).toBe('discord');
        expect(linkAttempt?.user).toMatchObject({ id: 'discord:80351110224678912', provider: 'discord' });
        expect(linkAttempt?.current).toEqual({ user: expect.objectContaining({ id: `bad:${HOSTILE_SUBJECT}`, provider: 'bad' }), sessionData: { roles: ['reader'] } });

        expect(await sessionOf(browser)).toEqual({
          authenticated: true,
          provider: 'bad',
          linked: ['bad', 'discord'],
          expiresAt: expect.any(Number),
          user: expect.objectContaining({ id: `bad:${HOSTILE_SUBJECT}`, provider: 'bad', providerUserId: HOSTILE_SUBJECT }),
        });
        expect(cookieOf(browser)).not.toBe(cookieOf(first.browser));
        // The old id stops working.
        expect(await sessionOf(first.browser)).toEqual({ authenticated: false });
        expect((await api(first.browser, 'bad')).status).toBe(401);

        const [session] = await app.auth.sessions.list(`bad:${HOSTILE_SUBJECT}`);
        expect(session).toMatchObject({ provider: 'bad', linked: ['bad', 'discord'] });
        expect(await app.auth.sessions.list(`bad:${HOSTILE_SUBJECT}`)).toHaveLength(1);
        expect(events.filter((event) => event.type === 'login')).toEqual([
          { type: 'login', provider: 'bad', userId: `bad:${HOSTILE_SUBJECT}`, linked: ['bad'] },
          { type: 'login', provider: 'discord', userId: `bad:${HOSTILE_SUBJECT}`, linked: ['bad', 'discord'] },
        ]);
      });

      it("calls each proxied API with its own provider's token, and answers 403 not_linked for a provider the session does not hold", async () => {
        const { after } = await linked();
        expect((await api(after, 'bad')).status).toBe(200);
        expect((await api(after, 'discord')).status).toBe(200);
        const badToken = bearerAt('bad');
        const discordToken = bearerAt('discord');
        expect(bad.issued).toContain(badToken);
        expect(discord.issued).toContain(discordToken);
        expect(discord.grants.scopeOf(discordToken)).toBeDefined();

        const before = upstreamSaw.length;
        const chat = await api(after, 'chat');
        expect(chat.status).toBe(403);
        expect(await chat.json()).toMatchObject({ error: 'not_linked' });
        expect(upstreamSaw).toHaveLength(before);

        // req.auth.accessToken(provider): the proxy's token for each, not_linked for the third.
        const mine = async (provider: string) => (await after.get(`${origin}/api/token-of/${provider}`, { headers: fetchHeaders })).json() as Promise<Record<string, unknown>>;
        expect(await mine('bad')).toMatchObject({ sameAsProxy: true, linked: ['bad', 'discord'] });
        expect(await mine('discord')).toMatchObject({ sameAsProxy: true });
        expect(await mine('chat')).toMatchObject({ sameAsProxy: false });
      });

      it("logout revokes both platforms' tokens and sends the browser to the login provider's end-session page only", async () => {
        const { after } = await linked();
        const revokedBefore = [requestsTo(bad, '/revoke').length, requestsTo(discord, DISCORD_PATHS.revocation).length];
        const logout = await after.post(`${origin}/auth/logout`, { headers: fetchHeaders });
        expect(((await logout.json()) as LogoutResponse).redirectTo).toMatch(new RegExp(`^${bad.issuer}/logout\\?`));
        await vi.waitFor(() => {
          expect(requestsTo(bad, '/revoke')).toHaveLength((revokedBefore[0] ?? 0) + 1);
          expect(requestsTo(discord, DISCORD_PATHS.revocation)).toHaveLength((revokedBefore[1] ?? 0) + 1);
        });
        expect(bad.issued).toContain(requestsTo(bad, '/revoke').at(-1)?.body.token);
        expect(discord.issued).toContain(requestsTo(discord, DISCORD_PATHS.revocation).at(-1)?.body.token);
        expect(await sessionOf(after)).toEqual({ authenticated: false });
      });

      it('is an ordinary login without a session open', async () => {
        const { browser, location } = await login(new TestBrowser(), 'discord', { link: true });
        expect(location).toBe('/home');
        expect(attempts[0]?.current).toBeUndefined();
        expect(await sessionOf(browser)).toMatchObject({ provider: 'discord', linked: ['discord'], user: { id: 'discord:80351110224678912' } });
      });

      it("takes the hook's userId for the linked session, and its clientData", async () => {
        const first = await login(new TestBrowser(), 'bad');
        decide = ({ current }) => (current ? { userId: 'app-user-7', clientData: { connected: true } } : undefined);
        const { browser } = await login(first.browser, 'discord', { link: true });
        expect(await sessionOf(browser)).toMatchObject({ provider: 'bad', linked: ['bad', 'discord'], clientData: { connected: true }, user: { id: 'app-user-7', providerUserId: HOSTILE_SUBJECT } });
        expect(await app.auth.sessions.list('app-user-7')).toHaveLength(1);
        expect(await app.auth.sessions.list(`bad:${HOSTILE_SUBJECT}`)).toHaveLength(0);
        await app.auth.sessions.end('app-user-7');
      });

      it('keeps the open session as it was when the link is refused', async () => {
        const first = await login(new TestBrowser(), 'bad');
        const cookie = cookieOf(first.browser);
        const before = await sessionOf(first.browser);
        decide = ({ current }) => current === undefined;
        const refused = await login(first.browser, 'discord', { link: true });
        expect(refused.location).toBe('/home?auth_error=access_denied');
        expect(cookieOf(refused.browser)).toBeUndefined();
        expect(cookieOf(first.browser)).toBe(cookie);
        expect(await sessionOf(first.browser)).toEqual({ ...before, expiresAt: expect.any(Number) });
        expect((await api(first.browser, 'discord')).status).toBe(403);
      });

      it('fails the link with unauthenticated when the open session ended before the callback', async () => {
        const first = await login(new TestBrowser(), 'bad');
        const start = await first.browser.get(`${origin}/auth/login/discord?link=1`);
        await first.browser.post(`${origin}/auth/logout`, { headers: fetchHeaders });
        const back = await first.browser.get(start.headers.get('location') ?? '');
        const callback = await first.browser.get(back.headers.get('location') ?? '');
        expect(callback.headers.get('location')).toBe('/?auth_error=unauthenticated');
        expect(await sessionOf(first.browser)).toEqual({ authenticated: false });
      });

      it('holds at most five providers: a sixth link is refused with too_many_links and the session stays as it was', async () => {
        let { browser } = await login(new TestBrowser(), 'bad');
        for (const provider of ['discord', 'chat', 'd3']) ({ browser } = await login(browser, provider, { link: true }));
        // Two links started at once: the one finishing second names the id the first one ended.
        const started = browser;
        const [fifth, sixth] = [await approved(started, 'd4', { link: true }), await approved(started, 'd5', { link: true })];
        ({ browser } = await callback(started, fifth));
        const full = await sessionOf(browser);
        expect(full).toMatchObject({ linked: ['bad', 'discord', 'chat', 'd3', 'd4'] });
        expect((await callback(started, sixth)).location).toBe('/home?auth_error=unauthenticated');
        expect(await sessionOf(browser)).toEqual({ ...full, expiresAt: expect.any(Number) });
        // A sixth is refused before the provider is asked.
        const start = await browser.get(`${origin}/auth/login/d5?returnTo=%2Fhome&link=1`);
        expect(start.headers.get('location')).toBe('/home?auth_error=too_many_links');
        expect(await sessionOf(browser)).toEqual({ ...full, expiresAt: expect.any(Number) });
        // Linking one it holds again replaces that token set.
        const again = await login(browser, 'chat', { link: true });
        expect(again.location).toBe('/home');
        expect(await sessionOf(again.browser)).toMatchObject({ linked: ['bad', 'discord', 'chat', 'd3', 'd4'] });
      });
    });

    describe('account linking: refresh per provider', () => {
      const refreshes = () => discord.requests.filter((request) => request.path === DISCORD_PATHS.token && request.body.grant_type === 'refresh_token');

      it("refreshes the linked provider's expiring token once for concurrent calls, leaving the login's alone", async () => {
        discord.expiresIn = 30;
        const { after } = await linked();
        // The refreshed token lives a week: a call that starts after the refresh ended (a busy
        // machine can serialise the four) finds it fresh instead of refreshing it again.
        discord.reset();
        const badTokenCalls = requestsTo(bad, '/token').length;
        const refreshesBefore = refreshes().length;
        const answers = await Promise.all(Array.from({ length: 4 }, () => api(after, 'discord')));
        expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
        expect(refreshes()).toHaveLength(refreshesBefore + 1);
        const refreshed = bearerAt('discord');
        expect(discord.issued.at(-2)).toBe(refreshed);
        expect(discord.grants.scopeOf(refreshed)).toBeDefined();
        expect((await api(after, 'bad')).status).toBe(200);
        expect(requestsTo(bad, '/token')).toHaveLength(badTokenCalls);
      });

      it('drops a linked token set its provider no longer refreshes (not_linked) and keeps the session', async () => {
        discord.expiresIn = 30;
        const { after } = await linked();
        discord.behave({ refresh: 'invalid-grant' });
        const answer = await api(after, 'discord');
        expect(answer.status).toBe(403);
        expect(await answer.json()).toMatchObject({ error: 'not_linked' });
        expect(await sessionOf(after)).toMatchObject({ authenticated: true, linked: ['bad'] });
        expect((await api(after, 'bad')).status).toBe(200);
        expect(events).toContainEqual(expect.objectContaining({ type: 'refresh_failed', provider: 'discord' }));
      });
    });
  }),
);
