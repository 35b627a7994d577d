import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../bff/index.js';
import { sessionKey } from '../../bff/crypto/random.js';
import { TestBrowser } from '../support/browser.js';
import { fetchHeaders, login, startDevStack, type DevStack } from '../support/dev-stack.js';
import type { SessionResponse, User } from '../../shared/index.js';

/**
 * The session check reuses what it decoded of a session's version (and the body
 * it wrote for it): a change to the record must show at the next read.
 */
describe('a session answer kept per version is never served after the session changes (one process, memory store)', () => {
  const store = new MemorySessionStore();
  let stack: DevStack;

  beforeAll(async () => {
    stack = await startDevStack({ session: { store } });
  });
  afterAll(async () => {
    await stack?.close();
    await store.close();
  });

  async function loggedIn(username: string) {
    const browser = new TestBrowser();
    await login(browser, stack, username);
    const cookie = browser.cookies(stack.origin).find((entry) => entry.name === 'bff-auth')?.value ?? '';
    const session = async () => {
      const response = await fetch(`${stack.origin}/auth/session`, { headers: { ...fetchHeaders, cookie: `bff-auth=${cookie}` } });
      return { status: response.status, setCookie: response.headers.get('set-cookie'), body: (await response.json()) as SessionResponse & { user: User } };
    };
    return { key: sessionKey(cookie), session, browser };
  }

  it('answers a new profile, and new tokens, at the next read', async () => {
    const { key, session } = await loggedIn('alice');
    expect((await session()).body).toMatchObject({ authenticated: true, user: { id: 'dev:alice' } });
    expect((await session()).body.user.name).not.toBe('Alice Renamed');

    const record = await store.get(key);
    if (!record) throw new Error('no record');
    expect(await store.update(key, record.version, { ...record, user: { ...record.user, name: 'Alice Renamed' } })).toBe(true);
    expect((await session()).body).toMatchObject({ authenticated: true, user: { id: 'dev:alice', name: 'Alice Renamed' } });

    const renamed = await store.get(key);
    if (!renamed) throw new Error('no record');
    // A refresh writes new tokens only: the answer stays right, at the new version.
    expect(await store.update(key, renamed.version, { ...renamed, tokens: renamed.tokens })).toBe(true);
    expect((await session()).body.user.name).toBe('Alice Renamed');
  });

  it('answers signed out, and clears the cookie, after a logout or a deletion by the store', async () => {
    const first = await loggedIn('bob');
    expect((await first.session()).body.authenticated).toBe(true);
    const logout = await first.browser.post(`${stack.origin}/auth/logout`, { headers: fetchHeaders });
    expect(logout.status).toBe(200);
    const afterLogout = await first.session();
    expect(afterLogout.body).toEqual({ authenticated: false });
    expect(afterLogout.setCookie).toMatch(/^bff-auth=;/);

    const second = await loggedIn('carol');
    expect((await second.session()).body.authenticated).toBe(true);
    await store.delete(second.key);
    expect((await second.session()).body).toEqual({ authenticated: false });
  });
});
