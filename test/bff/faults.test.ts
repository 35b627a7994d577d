import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../support/bff.js';
import { killRunning, STARTUP_MS, type BffProcess } from '../support/bff-process.js';
import { TestBrowser } from '../support/browser.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { startHostileProvider, type HostileProvider } from '../support/hostile-provider.js';
import { startBffProcessInFrontOf, startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';
import { loginForCookie, sessionWithCookie, withSessionCookie } from '../support/session-cookie.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const KEY_PREFIX = `bff-auth-test:faults:${randomBytes(6).toString('hex')}:`;
/** Generous: "answered, not hung", on a noisy shared machine. */
const ANSWER_MS = 15_000;

let dir: string;
let idp: HostileProvider;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bff-auth-faults-'));
  idp = await startHostileProvider();
});
afterAll(async () => {
  killRunning();
  await idp?.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => idp.reset());

async function health(origin: string) {
  const response = await fetch(`${origin}/auth/health`, { signal: AbortSignal.timeout(ANSWER_MS) });
  return { status: response.status, body: await response.json() };
}

const sessionAt = sessionWithCookie;
const login = (origin: string, browser?: TestBrowser) => loginForCookie({ idp, origin }, browser);

/** The standalone server in its own process, with the test provider, on `port`. */
const bffProcess = (name: string, port: number, store: string) => startBffProcessInFrontOf(idp, dir, name, port, { session: { store, keyPrefix: KEY_PREFIX } });

describe('GET /auth/health', () => {
  let stack: HostileStack;
  beforeAll(async () => {
    stack = await startHostileStack();
  });
  afterAll(() => stack.close());

  it('answers 200 {"status":"ok"} without a CSRF header, a session or a cookie set, and nothing else', async () => {
    const response = await fetch(`${stack.origin}/auth/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('answers other methods 405', async () => {
    const response = await fetch(`${stack.origin}/auth/health`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });
});

describe('Redis down when the server starts', () => {
  let redis: RedisServer | undefined;
  let bff: BffProcess;
  let port: number;
  afterAll(async () => {
    await bff?.stop();
    await redis?.kill();
  });

  it('the server starts and says so, /auth/health answers 503, and all is well once Redis is up', async () => {
    port = await freePort();
    bff = await bffProcess('redis-down-at-start', await freePort(), `redis://127.0.0.1:${port}`);
    expect((await fetch(`${bff.origin}/auth/providers`, { headers: fetchHeaders })).status).toBe(200);
    await vi.waitFor(() => expect(bff.stderr()).toContain('"event":"session_store.error"'), { timeout: ANSWER_MS });
    expect(await health(bff.origin)).toEqual({ status: 503, body: { status: 'unavailable' } });

    redis = await startRedisServer(port, dir);
    await vi.waitFor(async () => expect(await health(bff.origin)).toEqual({ status: 200, body: { status: 'ok' } }), { timeout: ANSWER_MS, interval: 200 });
    const cookie = await login(bff.origin);
    expect((await sessionAt(bff.origin, cookie)).body).toMatchObject({ authenticated: true });
    expect(bff.stderr()).toContain('"event":"session_store.ready"');
  }, STARTUP_MS + 3 * ANSWER_MS);
});

describe('Redis lost while serving', () => {
  let redis: RedisServer;
  let stack: HostileStack;
  beforeAll(async () => {
    redis = await startRedisServer(await freePort(), dir);
    stack = await startHostileStack(() => ({ session: { store: redis.url, keyPrefix: KEY_PREFIX } }));
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.kill();
  });

  it('session reads answer 503 session_store_unavailable within a bounded time, and service comes back by itself', async () => {
    const cookie = await loginForCookie(stack);
    expect((await sessionAt(stack.origin, cookie)).body).toMatchObject({ authenticated: true });

    await redis.kill();
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await sessionAt(stack.origin, cookie)).toEqual({
        status: 503,
        body: { error: 'session_store_unavailable', message: expect.any(String) },
      });
    }
    expect(await health(stack.origin)).toEqual({ status: 503, body: { status: 'unavailable' } });
    const logout = await fetch(`${stack.origin}/auth/logout`, { method: 'POST', headers: withSessionCookie(cookie), signal: AbortSignal.timeout(ANSWER_MS) });
    expect(logout.status).toBe(503);

    await redis.restart();
    await vi.waitFor(async () => expect((await health(stack.origin)).status).toBe(200), { timeout: ANSWER_MS, interval: 200 });
    // Redis kept the session on disk; the user never noticed more than the outage.
    expect(await sessionAt(stack.origin, cookie)).toMatchObject({ status: 200, body: { authenticated: true } });
    expect(stack.bff.logs.text()).not.toContain(cookie);
  }, 4 * ANSWER_MS);
});

describe('a BFF process that dies', () => {
  let redis: Redis;
  let bff: BffProcess;
  let port: number;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    port = await freePort();
    bff = await bffProcess('killed', port, REDIS_URL);
  }, STARTUP_MS);
  afterAll(async () => {
    await bff?.stop();
    await deleteKeys(redis, `${KEY_PREFIX}*`);
    await redis.quit();
  });

  /** SIGKILL, then the same server started again on the same port. */
  async function killAndRestart(name: string) {
    bff.process.kill('SIGKILL');
    expect(await bff.exited).toBe('SIGKILL');
    bff = await bffProcess(name, port, REDIS_URL);
  }

  it('killed with SIGKILL and started again: every session is still there', async () => {
    const cookies = [await login(bff.origin), await login(bff.origin), await login(bff.origin)];
    await killAndRestart('killed-again');
    for (const cookie of cookies) {
      expect(await sessionAt(bff.origin, cookie)).toMatchObject({ status: 200, body: { authenticated: true, user: { id: 'bad:hostile-user-1' } } });
    }
  }, 2 * STARTUP_MS);

  it('killed during a login: the user can log in again, the old callback is refused, and nothing is left without an expiry', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(`${bff.origin}/auth/login/bad?returnTo=/home`);
    const back = await browser.get(start.headers.get('location')!);
    const callbackUrl = back.headers.get('location')!;
    expect(callbackUrl.startsWith(bff.origin)).toBe(true);

    // The callback reaches the token endpoint, which never answers; the process dies meanwhile.
    idp.behave({ token: 'hang' });
    const tokenCalls = idp.requests.filter((request) => request.path === '/token').length;
    const inFlight = browser.get(callbackUrl).then(
      () => 'answered',
      () => 'connection lost',
    );
    await vi.waitFor(() => expect(idp.requests.filter((request) => request.path === '/token').length).toBeGreaterThan(tokenCalls), {
      timeout: ANSWER_MS,
    });
    await killAndRestart('killed-in-login');
    expect(await inFlight).toBe('connection lost');
    idp.reset();

    const cookie = await login(bff.origin, browser);
    expect((await sessionAt(bff.origin, cookie)).body).toMatchObject({ authenticated: true });
    const replay = await browser.get(callbackUrl);
    expect(replay.headers.get('location')).toBe('/home?auth_error=invalid_state');

    const keys = await redis.keys(`${KEY_PREFIX}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await redis.pttl(key), key).toBeGreaterThan(0);
  }, 2 * STARTUP_MS);
});
