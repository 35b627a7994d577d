import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sessionKey } from '../../bff/crypto/random.js';
import { MemorySessionStore } from '../../bff/index.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';
import { loginForCookie, sessionWithCookie, withSessionCookie } from '../support/session-cookie.js';

const KEY_PREFIX = `bff-auth-test:races:${randomBytes(6).toString('hex')}:`;
const IDLE_SECONDS = 600;
/** How far a session is aged before a race: well past the slide granularity (1/20 of the idle timeout). */
const AGE_SECONDS = 120;
const ROUNDS = 8;

let redis: Redis;
let upstream: Server;
let upstreamOrigin: string;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  upstream = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamOrigin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await deleteKeys(redis, `${KEY_PREFIX}*`);
  await redis.quit();
  await new Promise((resolve) => upstream.close(resolve));
});

/**
 * Each store, with a way to age a session so that the next read slides it:
 * the memory store by the (faked) clock, Redis by shortening the key's TTL,
 * which is what the passing of time does to it.
 */
const STORES = [
  {
    name: 'memory',
    store: 'memory',
    age: async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + AGE_SECONDS * 1000);
    },
  },
  {
    name: 'Redis',
    store: REDIS_URL,
    age: async (cookie: string) => {
      await redis.pexpire(`${KEY_PREFIX}session:{${sessionKey(cookie)}}`, (IDLE_SECONDS - AGE_SECONDS) * 1000);
    },
  },
] as const;

describe.each(STORES)('$name: an ended session stays ended', ({ store, age }) => {
  let stack: HostileStack;
  beforeAll(async () => {
    stack = await startHostileStack(() => ({
      session: { store, keyPrefix: KEY_PREFIX, idleTimeoutSeconds: IDLE_SECONDS },
      apis: [{ path: '/api/bad', provider: 'bad', target: upstreamOrigin, methods: ['GET'] }],
    }));
  });
  afterAll(() => stack.close());
  afterEach(() => {
    stack.idp.reset();
    vi.useRealTimers();
  });

  const call = (path: string, cookie: string, method = 'GET') =>
    fetch(`${stack.origin}${path}`, { method, headers: withSessionCookie(cookie), signal: AbortSignal.timeout(15_000) });
  const sessionOf = async (cookie: string) => (await sessionWithCookie(stack.origin, cookie)).body;
  const login = () => loginForCookie(stack);

  it('a sliding read extends the idle expiry', async () => {
    const cookie = await login();
    await age(cookie);
    const before = (await sessionOf(cookie)).expiresAt as number;
    expect((await call('/auth/session', cookie)).status).toBe(200);
    const after = (await sessionOf(cookie)).expiresAt as number;
    expect(after - before).toBeGreaterThanOrEqual(AGE_SECONDS - 2);
  });

  it('a logout racing sliding reads is final: the old cookie never works again', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const cookie = await login();
      await age(cookie);
      const answers = await Promise.all([
        ...Array.from({ length: 6 }, () => call('/auth/session', cookie)),
        call('/auth/logout', cookie, 'POST'),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
      expect(await sessionOf(cookie), `round ${round}`).toEqual({ authenticated: false });
      expect((await call('/api/bad/x', cookie)).status).toBe(401);
    }
  });

  it('a logout racing token refreshes is final', async () => {
    // Every access token is about to expire, so every API call refreshes.
    stack.idp.behave({ accessTokenLifetime: 30 });
    for (let round = 0; round < ROUNDS; round++) {
      const cookie = await login();
      const answers = await Promise.all([
        ...Array.from({ length: 4 }, () => call('/api/bad/x', cookie)),
        call('/auth/logout', cookie, 'POST'),
        call('/auth/session', cookie),
      ]);
      for (const answer of answers) expect([200, 401]).toContain(answer.status);
      expect(await sessionOf(cookie), `round ${round}`).toEqual({ authenticated: false });
      expect((await call('/api/bad/x', cookie)).status).toBe(401);
    }
  });

  it('sliding reads racing refreshes never put spent tokens back: the session lives on', async () => {
    stack.idp.behave({ accessTokenLifetime: 30 });
    const cookie = await login();
    for (let round = 0; round < ROUNDS; round++) {
      await age(cookie);
      const answers = await Promise.all([
        ...Array.from({ length: 3 }, () => call('/api/bad/x', cookie)),
        ...Array.from({ length: 3 }, () => call('/auth/session', cookie)),
      ]);
      expect(answers.map((answer) => answer.status), `round ${round}`).toEqual(answers.map(() => 200));
    }
    expect(await sessionOf(cookie)).toMatchObject({ authenticated: true });
    expect((await call('/api/bad/x', cookie)).status).toBe(200);
    expect(stack.bff.logs.lines.filter((line) => line.event === 'tokens.refresh_failed')).toEqual([]);
  });
});

/** The memory store, with a logout that can be made to land between a sliding read and its touch. */
class LogoutBeforeTouch extends MemorySessionStore {
  armed = false;

  override async touch(key: string, ttlSeconds: number) {
    if (this.armed) await this.delete(key);
    return super.touch(key, ttlSeconds);
  }
}

describe('a logout landing between a sliding read and its touch (memory store, on cue)', () => {
  const store = new LogoutBeforeTouch();
  let stack: HostileStack;
  beforeAll(async () => {
    stack = await startHostileStack(() => ({ session: { store, idleTimeoutSeconds: IDLE_SECONDS } }));
  });
  afterAll(async () => {
    await stack.close();
    await store.close();
  });
  afterEach(() => {
    store.armed = false;
    vi.useRealTimers();
  });

  it('answers signed out and clears the cookie, as the read found a session the touch no longer did', async () => {
    const cookie = await loginForCookie(stack);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + AGE_SECONDS * 1000);
    store.armed = true;
    const response = await fetch(`${stack.origin}/auth/session`, { headers: withSessionCookie(cookie), signal: AbortSignal.timeout(15_000) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ authenticated: false });
    expect(response.headers.get('set-cookie')).toMatch(/^bff-auth=;/);
  });
});
