import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DISCOVERY_RETRY_AFTER_MS } from '../../bff/providers/discovery.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { HOSTILE_SUBJECT } from '../support/hostile-provider.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { HANG_AFTER_LOGIN_TIMEOUT_MS, loginThrough, onStackFor, sessionIn } from '../support/provider-stack.js';
import type { SessionResponse } from '../../shared/index.js';

let stack: HostileStack;
beforeAll(async () => {
  stack = await startHostileStack();
});
afterAll(() => stack.close());
afterEach(() => {
  stack.idp.reset();
  vi.useRealTimers();
});

async function sessionOf(browser: Awaited<ReturnType<typeof loginThrough>>['browser']) {
  return (await browser.get(`${stack.origin}/auth/session`, { headers: fetchHeaders })).json() as Promise<SessionResponse>;
}

describe('a correct provider, checked closely', () => {
  it('sends state, PKCE S256 and nonce, authenticates the client and signs the user in', async () => {
    const result = await loginThrough(stack, 'bad');
    expect(result).toMatchObject({ status: 302, location: '/home' });
    expect(await sessionOf(result.browser)).toMatchObject({ authenticated: true, user: { id: `bad:${HOSTILE_SUBJECT}`, name: 'Hostile User' } });

    const authorize = stack.idp.requests.findLast((request) => request.path === '/authorize');
    expect(authorize?.query.state).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(authorize?.query.code_challenge_method).toBe('S256');
    expect(authorize?.query.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize?.query.nonce).toBeTruthy();
    const token = stack.idp.requests.findLast((request) => request.path === '/token');
    expect(token?.body.code_verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(token?.headers.authorization).toMatch(/^Basic /);
  });

  it('keeps working when the provider rotates its signing key (unknown kid re-fetches the JWKS)', async () => {
    expect((await loginThrough(stack, 'bad')).location).toBe('/home');
    await stack.idp.rotateKey();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6_000); // past the JWKS re-fetch cooldown
    const jwksFetches = stack.idp.requests.filter((request) => request.path === '/jwks').length;
    expect((await loginThrough(stack, 'bad')).location).toBe('/home');
    expect(stack.idp.requests.filter((request) => request.path === '/jwks').length).toBe(jwksFetches + 1);
  });

  it('revokes the tokens at logout', async () => {
    const { browser } = await loginThrough(stack, 'bad');
    const response = await browser.post(`${stack.origin}/auth/logout`, { headers: fetchHeaders });
    expect(response.status).toBe(200);
    await vi.waitFor(() => expect(stack.idp.requests.some((request) => request.path === '/revoke')).toBe(true));
  });
});

describe('what a well-behaved provider never does', () => {
  it.each([
    [{ idToken: 'wrong-nonce' }, 'invalid_id_token'],
    [{ idToken: 'wrong-key' }, 'invalid_id_token'],
    [{ idToken: 'unknown-kid-unpublished' }, 'invalid_id_token'],
    [{ idToken: 'alg-none' }, 'invalid_id_token'],
    [{ idToken: 'wrong-audience' }, 'invalid_id_token'],
    [{ idToken: 'expired' }, 'invalid_id_token'],
    [{ idToken: 'missing' }, 'invalid_id_token'],
    [{ idToken: 'wrong-issuer' }, 'issuer_mismatch'],
    [{ callbackIss: 'wrong' }, 'issuer_mismatch'],
    [{ callbackIss: 'missing' }, 'issuer_mismatch'],
    [{ callbackError: 'access_denied' }, 'access_denied'],
    [{ callbackError: 'temporarily_unavailable' }, 'provider_unavailable'],
    [{ token: 'invalid_grant' }, 'token_exchange_failed'],
    [{ token: 'error-200' }, 'token_exchange_failed'],
    [{ token: 'not-json' }, 'token_exchange_failed'],
    [{ token: 'status-500' }, 'provider_unavailable'],
    [{ token: 'hang' }, 'provider_unavailable'],
    [{ userinfo: 'sub-mismatch' }, 'profile_failed'],
    [{ userinfo: 'not-json' }, 'profile_failed'],
    [{ userinfo: 'status-500' }, 'provider_unavailable'],
    [{ userinfo: 'hang' }, 'provider_unavailable'],
  ] as const)('%o ends the login with auth_error=%s and no session', async (behavior, code) => {
    stack.idp.behave(behavior);
    await onStackFor(stack, behavior, async (target) => {
      const result = await loginThrough(target, 'bad');
      expect(result.status).toBe(302);
      expect(result.location).toBe(`/home?auth_error=${code}`);
      expect(await sessionIn(target, result.browser)).toEqual({ authenticated: false });
    });
  });

  it('a provider that does not answer discovery fails the login at once with provider_unavailable', async () => {
    const fresh = await startHostileStack(() => ({ httpTimeoutMs: HANG_AFTER_LOGIN_TIMEOUT_MS }));
    try {
      fresh.idp.behave({ discovery: 'hang' });
      const started = Date.now();
      const result = await loginThrough(fresh, 'bad');
      expect(result).toMatchObject({ status: 302, location: '/home?auth_error=provider_unavailable' });
      expect(Date.now() - started).toBeLessThan(10_000);
      fresh.idp.reset();
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + DISCOVERY_RETRY_AFTER_MS); // a failed discovery is not retried at each login
      expect((await loginThrough(fresh, 'bad')).location).toBe('/home');
    } finally {
      await fresh.close();
    }
  });
});
