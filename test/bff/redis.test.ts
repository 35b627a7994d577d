import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionStore } from '../../bff/index.js';
import { sessionKey } from '../../bff/crypto/random.js';
import { TestBrowser } from '../support/browser.js';
import { freePort, recordingLogger, startTestBff, type TestBff, type TestBffConfig } from '../support/bff.js';
import { DEV_CLIENT, fetchHeaders, login, startDevStack, type DevStack } from '../support/dev-stack.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';
import { data, randomKey } from '../support/store-contract.js';
import type { ErrorResponse, LogoutResponse, SessionResponse } from '../../shared/index.js';

const KEY_PREFIX = `bff-auth-test:redis:${randomBytes(6).toString('hex')}:`;
/** Generous: "answered, not hung", on a noisy shared machine. */
const ANSWER_MS = 15_000;

/** A request with only the given session cookie, the way another tab or a replayed cookie would send it. */
function withCookie(url: string, cookie: string, init: RequestInit = {}) {
  return fetch(url, { ...init, redirect: 'manual', headers: { ...fetchHeaders, cookie: `bff-auth=${cookie}`, ...init.headers } });
}

async function sessionAt(origin: string, cookie: string) {
  const response = await withCookie(`${origin}/auth/session?slide=false`, cookie);
  expect(response.status).toBe(200);
  return response.json() as Promise<SessionResponse>;
}

describe('sessions in Redis, shared by several BFF processes', () => {
  let redis: Redis;
  let stack: DevStack;
  let second: TestBff;
  let secondOrigin: string;
  let sharedConfig: TestBffConfig;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    const session = { store: REDIS_URL, keyPrefix: KEY_PREFIX };
    stack = await startDevStack({ session });
    sharedConfig = {
      providers: [{ id: 'dev', type: 'oidc', name: 'Development', issuer: stack.dev.issuer, ...DEV_CLIENT }],
      session,
    };
    const port = await freePort();
    secondOrigin = `http://127.0.0.1:${port}`;
    second = await startTestBff(port, sharedConfig);
  });

  afterAll(async () => {
    await second?.close();
    await stack?.close();
    await deleteKeys(redis, `${KEY_PREFIX}*`);
    await redis.quit();
  });

  async function loginAtA(username: string): Promise<string> {
    const browser = new TestBrowser();
    const callback = await login(browser, stack, username);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/');
    const cookie = browser.cookies(stack.origin).find((entry) => entry.name === 'bff-auth')?.value;
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return cookie ?? '';
  }

  it('a session made by BFF A answers the same user on BFF B', async () => {
    const cookie = await loginAtA('alice');
    const atA = await sessionAt(stack.origin, cookie);
    expect(atA).toMatchObject({ authenticated: true, provider: 'dev', user: { id: 'dev:alice', name: 'Alice' } });
    const atB = await sessionAt(secondOrigin, cookie);
    // The idle expiry is now plus the key's TTL as Redis counts it down, in whole seconds: two reads can round a second apart.
    expect(atB).toEqual({ ...atA, expiresAt: expect.any(Number) });
    expect(atA.authenticated && atB.authenticated && Math.abs(atB.expiresAt - atA.expiresAt)).toBeLessThanOrEqual(1);
  });

  it('keeps the session in Redis under the configured prefix, keyed by a hash: the cookie value is not in any key or record', async () => {
    const cookie = await loginAtA('carol');
    const keys = await redis.keys(`${KEY_PREFIX}session:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toContain(cookie);
      const value = JSON.stringify(await redis.hgetall(key));
      expect(value).not.toContain(cookie);
      expect(value).not.toMatch(/"(access|refresh|id)_token"/);
    }
  });

  it('a profile change written by one process is answered by both BFFs at their next read, though each answered the old one', async () => {
    const cookie = await loginAtA('dave');
    expect(await sessionAt(stack.origin, cookie)).toMatchObject({ user: { id: 'dev:dave' } });
    expect(await sessionAt(secondOrigin, cookie)).toMatchObject({ user: { id: 'dev:dave' } });
    const writer = new RedisSessionStore({ connection: REDIS_URL, keyPrefix: KEY_PREFIX });
    try {
      const key = sessionKey(cookie);
      const record = await writer.get(key);
      if (!record) throw new Error('no record');
      expect(await writer.update(key, record.version, { ...record, user: { ...record.user, name: 'Dave Renamed' } })).toBe(true);
    } finally {
      await writer.close();
    }
    expect(await sessionAt(stack.origin, cookie)).toMatchObject({ user: { id: 'dev:dave', name: 'Dave Renamed' } });
    expect(await sessionAt(secondOrigin, cookie)).toMatchObject({ user: { id: 'dev:dave', name: 'Dave Renamed' } });
  });

  it('logout on BFF B ends the session on BFF A too, and B could read the tokens A sealed', async () => {
    const cookie = await loginAtA('bob');
    expect(await sessionAt(stack.origin, cookie)).toMatchObject({ authenticated: true, user: { id: 'dev:bob' } });

    const logout = await withCookie(`${secondOrigin}/auth/logout`, cookie, { method: 'POST' });
    expect(logout.status).toBe(200);
    const { redirectTo } = (await logout.json()) as LogoutResponse;
    // The end-session URL needs the token set A sealed: B opened it with the shared secrets.
    expect(new URL(redirectTo ?? '').origin).toBe(stack.dev.issuer);
    expect(second.logs.lines.some((line) => line.event === 'logout.tokens_unreadable')).toBe(false);

    expect(await sessionAt(stack.origin, cookie)).toEqual({ authenticated: false });
    expect(await sessionAt(secondOrigin, cookie)).toEqual({ authenticated: false });
  });

  it('a logout leaves nothing of the session in Redis: no record, and no entry in its user\'s or its sid\'s index', async () => {
    // What a session writes (the login's replay marker and the rate limits are the login's, and expire on their own).
    const sessionKeys = async () => (await redis.keys(`${KEY_PREFIX}*`)).filter((key) => /^(session|sid|user):/.test(key.slice(KEY_PREFIX.length))).sort();
    const before = await sessionKeys();
    const cookie = await loginAtA('erin');
    const added = (await sessionKeys()).filter((key) => !before.includes(key));
    // The dev provider gives a sid: the record, the user's index and the sid's index.
    expect(added.map((key) => key.slice(KEY_PREFIX.length).split(':')[0])).toEqual(['session', 'sid', 'user']);

    const logout = await withCookie(`${secondOrigin}/auth/logout`, cookie, { method: 'POST' });
    expect(logout.status).toBe(200);
    expect(await sessionKeys()).toEqual(before);
  });

  it('a back-channel logout (by sid) and ending a user\'s sessions leave no entry in either index', async () => {
    const prefix = `${KEY_PREFIX}ends:`;
    const store = new RedisSessionStore({ connection: REDIS_URL, keyPrefix: prefix });
    try {
      const user = (id: string) => ({ ...data().user, id });
      await store.set(randomKey(), data({ user: user('dev:by-sid'), sid: 'dev:s1' }), 60);
      await store.set(randomKey(), data({ user: user('dev:by-user'), sid: 'dev:s2' }), 60);
      expect(await redis.keys(`${prefix}*`)).toHaveLength(6);
      expect(await store.deleteBySid('dev:s1')).toBe(1);
      expect(await store.deleteByUser('dev:by-user')).toBe(1);
      expect(await redis.keys(`${prefix}*`)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('a BFF with another key prefix does not see those sessions', async () => {
    const cookie = await loginAtA('dave');
    const port = await freePort();
    const other = await startTestBff(port, { ...sharedConfig, session: { store: REDIS_URL, keyPrefix: `${KEY_PREFIX}other:` } });
    try {
      expect(await sessionAt(`http://127.0.0.1:${port}`, cookie)).toEqual({ authenticated: false });
      expect(await sessionAt(stack.origin, cookie)).toMatchObject({ authenticated: true, user: { id: 'dev:dave' } });
    } finally {
      await other.close();
    }
  });
});

describe('a Redis session store that is down', () => {
  let bff: TestBff;
  let store: RedisSessionStore;
  const logs = recordingLogger();
  let origin: string;
  const sessionLooking = randomBytes(32).toString('base64url');

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    // A command timeout of its own: with the default (2 s) each failing command waits out ioredis's
    // growing reconnect delay, 0.1 s at first and 1.5 s by the third.
    store = new RedisSessionStore({ connection: 'redis://127.0.0.1:1', keyPrefix: KEY_PREFIX, commandTimeoutMs: 300, logger: logs });
    bff = await startTestBff(port, {
      providers: [{ id: 'dev', type: 'oidc', name: 'Development', issuer: 'http://127.0.0.1:1', ...DEV_CLIENT }],
      session: { store },
      logger: logs,
    });
  });

  afterAll(async () => {
    // Shutting down must not hang on the unreachable store either.
    const closing = Promise.all([bff?.close(), store?.close()]);
    const closed = await Promise.race([closing.then(() => 'closed'), sleep(ANSWER_MS).then(() => 'hung')]);
    expect(closed).toBe('closed');
  });

  it('answers GET /auth/session with a session cookie 503 session_store_unavailable, within a few seconds', async () => {
    expect(sessionLooking).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await withCookie(`${origin}/auth/session`, sessionLooking, { signal: AbortSignal.timeout(ANSWER_MS) });
      expect(response.status).toBe(503);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as ErrorResponse;
      expect(body).toEqual({ error: 'session_store_unavailable', message: expect.any(String) });
      expect(body.message).not.toContain('127.0.0.1');
    }
    expect(logs.lines.some((line) => line.event === 'session_store.error')).toBe(true);
    expect(logs.text()).not.toContain(sessionLooking);
  });

  it('answers POST /auth/logout with a session cookie 503 too, never a hang', async () => {
    const response = await withCookie(`${origin}/auth/logout`, sessionLooking, { method: 'POST', signal: AbortSignal.timeout(ANSWER_MS) });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'session_store_unavailable' });
  });

  it('still answers a visitor without a session cookie, who needs no store', async () => {
    const response = await fetch(`${origin}/auth/session`, { headers: fetchHeaders, signal: AbortSignal.timeout(ANSWER_MS) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ authenticated: false });
  });

  it('keeps serving /auth/providers', async () => {
    const response = await fetch(`${origin}/auth/providers`, { headers: fetchHeaders, signal: AbortSignal.timeout(ANSWER_MS) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([{ id: 'dev', name: 'Development', type: 'oidc' }]);
  });
});
