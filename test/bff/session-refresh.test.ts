import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemorySessionStore, type SessionRecord, type SessionStore } from '../../bff/index.js';
import { createSealer } from '../../bff/crypto/seal.js';
import type { TokenSet } from '../../bff/providers/provider.js';
import { freePort, startTestBff, TEST_SECRET } from '../support/bff.js';
import { killRunning, startBffProcess, STARTUP_MS, type BffProcess } from '../support/bff-process.js';
import { startHostileProvider, type HostileProvider } from '../support/hostile-provider.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';
import { loginForCookie, sessionWithCookie, withSessionCookie } from '../support/session-cookie.js';

const KEY_PREFIX = `bff-auth-test:refresh:${randomBytes(6).toString('hex')}:`;

let dir: string;
let redis: Redis;
let idp: HostileProvider;
let upstream: Server;
let processes: BffProcess[] = [];
let target: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bff-auth-refresh-'));
  redis = new Redis(REDIS_URL);
  idp = await startHostileProvider();
  upstream = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  processes = await Promise.all(
    ['a', 'b'].map(async (name) => {
      const port = await freePort();
      return startBffProcess(dir, name, port, {
        baseUrl: `http://127.0.0.1:${port}`,
        secrets: ['${TEST_SECRET_VAR}'],
        httpTimeoutMs: 5000,
        session: { store: REDIS_URL, keyPrefix: KEY_PREFIX },
        providers: [{ id: 'bad', type: 'oidc', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }],
        apis: [{ path: '/api/bad', provider: 'bad', target, methods: ['GET'] }],
      }, { TEST_SECRET_VAR: TEST_SECRET });
    }),
  );
}, STARTUP_MS * 2);

afterAll(async () => {
  await Promise.all(processes.map((bff) => bff.stop()));
  killRunning();
  await idp?.close();
  await new Promise((resolve) => upstream?.close(resolve));
  await deleteKeys(redis, `${KEY_PREFIX}*`);
  await redis.quit();
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => idp.reset());

const refreshGrants = () => idp.requests.filter((request) => request.path === '/token' && request.body.grant_type === 'refresh_token').length;

/** A login at process A whose access token is already about to expire; resolves with the session cookie. */
async function loginWithExpiringToken(origin = processes[0]!.origin): Promise<string> {
  idp.behave({ accessTokenLifetime: 30 });
  const cookie = await loginForCookie({ idp, origin });
  idp.reset();
  return cookie;
}

/** `count` API calls with this session, alternating between the two processes, all at once. */
function burst(cookie: string, count: number) {
  return Array.from({ length: count }, (_, index) =>
    fetch(`${processes[index % 2]!.origin}/api/bad/x`, {
      headers: withSessionCookie(cookie),
      signal: AbortSignal.timeout(30_000),
    }).then(async (response) => {
      await response.body?.cancel();
      return response.status;
    }),
  );
}

describe('token refresh across two BFF processes on one Redis, with rotating refresh tokens', () => {
  it('100 concurrent API calls split across both reach the token endpoint once, and all answer 200', async () => {
    const cookie = await loginWithExpiringToken();
    const before = refreshGrants();
    const statuses = await Promise.all(burst(cookie, 100));
    expect(statuses).toEqual(statuses.map(() => 200));
    expect(refreshGrants() - before).toBe(1);

    // The session lives on at both, with the refreshed token: no further refresh.
    for (const bff of processes) {
      expect((await sessionWithCookie(bff.origin, cookie)).body).toMatchObject({ authenticated: true });
    }
    expect(await Promise.all(burst(cookie, 2))).toEqual([200, 200]);
    expect(refreshGrants() - before).toBe(1);
  });

  it('five sessions refreshing at once, 20 calls each: one refresh per session and no session lost', async () => {
    const cookies: string[] = [];
    for (let index = 0; index < 5; index++) cookies.push(await loginWithExpiringToken());
    const before = refreshGrants();
    const statuses = await Promise.all(cookies.flatMap((cookie) => burst(cookie, 20)));
    expect(statuses).toEqual(statuses.map(() => 200));
    expect(refreshGrants() - before).toBe(5);
    for (const bff of processes) {
      expect(bff.stderr()).not.toContain('tokens.refresh_failed');
    }
  });
});

/**
 * A memory store whose lock never holds anyone off, as when a lock lapses under
 * a slow refresh, and in which "another process" refreshes the session right
 * after a refresh read it under the lock: that refresh's refresh token is spent
 * before it reaches the provider.
 */
function lapsedLockStore(otherProcess: (inner: SessionStore, key: string, record: SessionRecord) => Promise<void>): SessionStore {
  const inner = new MemorySessionStore();
  let underLock = false;
  return {
    get: async (key) => {
      const record = await inner.get(key);
      if (underLock && record) {
        underLock = false;
        await otherProcess(inner, key, record);
      }
      return record;
    },
    lock: async () => {
      underLock = true;
      return { release: async () => {} };
    },
    set: (key, data, ttl) => inner.set(key, data, ttl),
    update: (key, version, data) => inner.update(key, version, data),
    touch: (key, ttl) => inner.touch(key, ttl),
    delete: (key) => inner.delete(key),
    deleteBySid: (sid) => inner.deleteBySid(sid),
    claimOnce: (marker, ttl) => inner.claimOnce(marker, ttl),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
}

describe('a refresh the provider refuses', () => {
  it('reads the session again before ending it: tokens another process stored meanwhile win, and the session lives', async () => {
    const sealer = createSealer([TEST_SECRET], 'tokens');
    const store = lapsedLockStore(async (inner, key, record) => {
      const { refresh_token } = await sealer.open<TokenSet>(record.tokens);
      const response = await fetch(`${idp.issuer}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh_token!, client_id: idp.clientId, client_secret: idp.clientSecret }),
      });
      expect(response.status).toBe(200);
      const refreshed = (await response.json()) as TokenSet & { expires_in: number };
      const tokens = await sealer.seal({ ...refreshed, expires_at: Math.floor(Date.now() / 1000) + refreshed.expires_in });
      expect(await inner.update(key, record.version, { ...record, tokens })).toBe(true);
    });
    const port = await freePort();
    const bff = await startTestBff(port, {
      session: { store },
      providers: [{ id: 'bad', type: 'oidc', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }],
      apis: [{ path: '/api/bad', provider: 'bad', target, methods: ['GET'] }],
    });
    try {
      const origin = `http://127.0.0.1:${port}`;
      const cookie = await loginWithExpiringToken(origin);
      const before = refreshGrants();
      const call = () => fetch(`${origin}/api/bad/x`, { headers: withSessionCookie(cookie) });

      expect((await call()).status).toBe(200);
      // The other process's refresh, then this one's, which the provider refused.
      expect(refreshGrants() - before).toBe(2);
      expect(bff.logs.lines.filter((line) => line.event === 'tokens.refresh_failed')).toEqual([]);
      expect((await call()).status).toBe(200);
      expect(refreshGrants() - before).toBe(2);
    } finally {
      await bff.close();
    }
  });
});
