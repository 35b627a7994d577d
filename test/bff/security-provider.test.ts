/**
 * Issue #8, items 2, 9, 11 and 12, and the log reasons: what a malicious or
 * broken provider can do. Discovery endpoints must be https (or loopback http)
 * before the browser is sent to them; ID tokens with a future `iat`, another
 * client's `azp` or missing claims are `invalid_id_token`; a refresh's ID token
 * must name the same user; huge answers and failed discoveries are bounded; a
 * key rotated inside the JWKS cool-down does not refuse a legitimate login;
 * every failure is logged with a short reason code.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemorySessionStore } from '../../bff/index.js';
import { DISCOVERY_RETRY_AFTER_MS } from '../../bff/providers/discovery.js';
import { JWKS_REFETCH_COOLDOWN_MS } from '../../bff/providers/provider-jwt.js';
import { TestBrowser } from '../support/browser.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { runs } from '../support/fuzz.js';
import { HOSTILE_SUBJECT, type Behavior } from '../support/hostile-provider.js';
import { asProviderBad, startBffInFrontOf, startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginThrough, onStackFor, sessionIn } from '../support/provider-stack.js';
import type { LogoutResponse } from '../../shared/index.js';

let stack: HostileStack;
beforeAll(async () => {
  stack = await startHostileStack((idp) => ({
    // Sessions outlive the access tokens here, so a test can reach the refresh.
    session: { idleTimeoutSeconds: 7200 },
    apis: [{ path: '/api/me', provider: 'bad', target: `${idp.origin}/userinfo` }],
  }));
});
afterAll(() => stack.close());
afterEach(() => {
  stack.idp.reset();
  vi.useRealTimers();
});

const requestsTo = (path: string) => stack.idp.requests.filter((request) => request.path === path).length;
const lastFailure = (target = stack) => target.bff.logs.lines.findLast((line) => line.event === 'login.failure' || line.event === 'login.error');

describe('discovery endpoints (item 2)', () => {
  const ENDPOINT_FIELDS = ['authorization_endpoint', 'end_session_endpoint', 'token_endpoint', 'userinfo_endpoint', 'revocation_endpoint', 'jwks_uri'];
  const BAD_VALUES = ['javascript:alert(document.domain)', 'data:text/html,<script>alert(1)</script>', 'http://evil.example/x', 'ftp://127.0.0.1/x', 'not a url', '//evil.example', 42];

  it('property: a discovery document naming any non-https endpoint is refused before the browser is sent anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINT_FIELDS), fc.constantFrom(...BAD_VALUES), async (field, value) => {
        stack.idp.reset();
        stack.idp.behave({ discoveryOverrides: { [field]: value } });
        const { bff } = await startBffInFrontOf(stack.idp);
        try {
          const start = await fetch(`${bff.url}/auth/login/bad?returnTo=/x`, { redirect: 'manual' });
          expect(start.status).toBe(302);
          expect(start.headers.get('location')).toBe('/x?auth_error=provider_unavailable');
          expect(bff.logs.lines.findLast((line) => line.event === 'login.failure')).toMatchObject({ reason: 'discovery_insecure_endpoint' });
        } finally {
          await bff.close();
        }
      }),
      { numRuns: runs(20) },
    );
  });

  it('a discovery document without jwks_uri refuses the login as invalid_id_token, logged as jwks_uri_missing', async () => {
    stack.idp.behave({ discoveryOverrides: { jwks_uri: undefined } });
    const fresh = await startBffInFrontOf(stack.idp);
    try {
      expect((await loginThrough(fresh, 'bad')).location).toBe('/home?auth_error=invalid_id_token');
      expect(fresh.bff.logs.lines.findLast((line) => line.event === 'login.failure')).toMatchObject({ reason: 'jwks_uri_missing' });
    } finally {
      await fresh.close();
    }
  });

  it('logout ends the session while the provider is down, with no redirectTo, at a BFF that has not read its discovery yet (restarted, or another process)', async () => {
    const store = new MemorySessionStore();
    const [first, second] = await Promise.all([startBffInFrontOf(stack.idp, { session: { store } }), startBffInFrontOf(stack.idp, { session: { store } })]);
    try {
      const { browser } = await loginThrough(first, 'bad');
      stack.idp.behave({ discovery: 'status-500' });
      // Cookies are not kept apart by port: the browser sends the session cookie to the second BFF too.
      const response = await browser.post(`${second.origin}/auth/logout`, { headers: fetchHeaders });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ redirectTo: null });
      expect(second.bff.logs.lines.filter((line) => line.event === 'logout.end_session_unavailable')).toHaveLength(1);
      expect(await sessionIn(first, browser)).toEqual({ authenticated: false });
    } finally {
      await Promise.all([first.close(), second.close()]);
      await store.close();
    }
  });

  it('logout never answers a redirectTo that is not https or loopback http', async () => {
    const { browser } = await loginThrough(stack, 'bad');
    const { redirectTo } = (await (await browser.post(`${stack.origin}/auth/logout`, { headers: fetchHeaders })).json()) as LogoutResponse;
    expect(new URL(redirectTo ?? '').origin).toBe(stack.idp.origin);
  });
});

describe('ID token checks (item 9)', () => {
  it.each([
    [{ idToken: 'future-iat' }, 'id_token_iat_invalid'],
    [{ idToken: 'azp-other' }, 'id_token_azp_invalid'],
    [{ idToken: 'no-nonce' }, 'id_token_claims_invalid'],
    [{ idToken: 'no-exp' }, 'id_token_claims_invalid'],
    [{ idToken: 'no-iat' }, 'id_token_claims_invalid'],
  ] as const)('%o is invalid_id_token (reason %s), and no session starts', async (behavior, reason) => {
    stack.idp.behave(behavior);
    const result = await loginThrough(stack, 'bad');
    expect(result.location).toBe('/home?auth_error=invalid_id_token');
    expect(await sessionIn(stack, result.browser)).toEqual({ authenticated: false });
    expect(lastFailure()).toMatchObject({ code: 'invalid_id_token', reason });
  });

  it.each([
    ['names the same user: the API call goes on', 'same-subject', 200, true],
    ['names another user: the refresh is refused and the session ends', 'other-subject', 401, false],
  ] as const)("a refresh whose ID token %s (OIDC Core §12.2)", async (_, refreshIdToken, status, stays) => {
    const { browser } = await loginThrough(stack, 'bad');
    stack.idp.behave({ refreshIdToken });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3_590_000);
    const response = await browser.get(`${stack.origin}/api/me`, { headers: fetchHeaders });
    expect(response.status).toBe(status);
    if (stays) expect(await response.json()).toMatchObject({ sub: HOSTILE_SUBJECT });
    expect((await sessionIn(stack, browser)).authenticated).toBe(stays);
  });
});

describe('bounded provider answers (item 11)', () => {
  const huge = { status: 200, contentType: 'application/json', body: `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}` };

  it.each(['discovery', 'jwks', 'token', 'userinfo'] as const)('a 2 MB %s answer is cut off: provider_unavailable', async (endpoint) => {
    const fresh = await startHostileStack();
    try {
      fresh.idp.behave({ raw: { [endpoint]: huge } });
      const result = await loginThrough(fresh, 'bad');
      expect(result.location).toBe('/home?auth_error=provider_unavailable');
      expect(fresh.bff.logs.lines.findLast((line) => line.event === 'login.failure')).toMatchObject({ reason: 'provider_body_too_large' });
    } finally {
      await fresh.close();
    }
  });

  it('a failed discovery is remembered for a few seconds: logins meanwhile fail at once without calling the provider', async () => {
    const fresh = await startHostileStack();
    try {
      fresh.idp.behave({ discovery: 'status-500' });
      const discoveries = () => fresh.idp.requests.filter((request) => request.path === '/.well-known/openid-configuration').length;
      expect((await loginThrough(fresh, 'bad')).location).toBe('/home?auth_error=provider_unavailable');
      const after = discoveries();
      fresh.idp.reset();
      for (let i = 0; i < 3; i++) expect((await loginThrough(fresh, 'bad')).location).toBe('/home?auth_error=provider_unavailable');
      expect(discoveries()).toBe(after);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + DISCOVERY_RETRY_AFTER_MS);
      expect((await loginThrough(fresh, 'bad')).location).toBe('/home');
    } finally {
      await fresh.close();
    }
  });
});

describe('key rotation inside the JWKS re-fetch cool-down (item 12)', () => {
  it('waits out the cool-down and re-fetches once instead of refusing the login; the cool-down still bounds fetches', async () => {
    // A BFF of its own with the real cool-down (the shared stack's is short), on a clock the test moves.
    const real = await startBffInFrontOf(stack.idp, asProviderBad(stack.idp, { jwksRefetchCooldownMs: JWKS_REFETCH_COOLDOWN_MS }));
    try {
      vi.useFakeTimers({ toFake: ['Date'] });
      expect((await loginThrough(real, 'bad')).location).toBe('/home');

      await stack.idp.rotateKey();
      vi.setSystemTime(Date.now() + JWKS_REFETCH_COOLDOWN_MS - 500); // inside the cool-down
      const before = requestsTo('/jwks');
      expect((await loginThrough(real, 'bad')).location).toBe('/home');
      expect(requestsTo('/jwks')).toBe(before + 1);

      // A kid that is never published: one more fetch after the cool-down, then the login is refused.
      stack.idp.behave({ idToken: 'unknown-kid-unpublished' });
      vi.setSystemTime(Date.now() + JWKS_REFETCH_COOLDOWN_MS - 100);
      expect((await loginThrough(real, 'bad')).location).toBe('/home?auth_error=invalid_id_token');
      expect(requestsTo('/jwks')).toBe(before + 2);
    } finally {
      await real.close();
    }
  });
});

describe('back-channel logout tokens signed by the provider that the specification refuses', () => {
  const backchannel = async (logoutToken: string) =>
    fetch(`${stack.origin}/auth/backchannel-logout/bad`, { method: 'POST', body: new URLSearchParams({ logout_token: logoutToken }) });

  it('a token with every required claim is accepted', async () => {
    expect((await backchannel(await stack.idp.signLogoutToken())).status).toBe(200);
  });

  it('the same token again is 400 invalid_request: its jti is claimed once', async () => {
    const token = await stack.idp.signLogoutToken();
    expect((await backchannel(token)).status).toBe(200);
    const replayed = await backchannel(token);
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('a token naming the user (sub) but no session (sid) is 400 invalid_request: sessions are found by sid', async () => {
    const response = await backchannel(await stack.idp.signLogoutToken({ sid: undefined, sub: HOSTILE_SUBJECT }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it.each([
    [{ events: undefined }, 'logout_token_events_invalid'],
    [{ events: 'logout' }, 'logout_token_event_missing'],
    [{ events: { 'http://schemas.openid.net/event/other': {} } }, 'logout_token_event_missing'],
    [{ nonce: 'n-1' }, 'logout_token_nonce_present'],
    [{ sid: undefined }, 'logout_token_subject_missing'],
  ])('%o is 400 invalid_request, logged as %s', async (claims, reason) => {
    const response = await backchannel(await stack.idp.signLogoutToken(claims));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    expect(stack.bff.logs.lines.findLast((line) => line.event === 'logout.backchannel_refused')).toMatchObject({ provider: 'bad', reason });
  });
});

describe('log reasons', () => {
  it.each([
    [{ idToken: 'wrong-key' }, 'id_token_bad_signature'],
    [{ idToken: 'unknown-kid-unpublished' }, 'id_token_unknown_kid'],
    [{ idToken: 'wrong-nonce' }, 'id_token_nonce_mismatch'],
    [{ idToken: 'wrong-issuer' }, 'id_token_iss_mismatch'],
    [{ idToken: 'expired' }, 'id_token_exp_invalid'],
    [{ idToken: 'missing' }, 'id_token_missing'],
    [{ callbackIss: 'wrong' }, 'iss_parameter_mismatch'],
    [{ callbackIss: 'missing' }, 'iss_parameter_missing'],
    [{ callbackError: 'access_denied' }, 'authorization_error:access_denied'],
    [{ callbackError: 'Something <weird>' }, 'authorization_error:other'],
    [{ token: 'invalid_grant' }, 'provider_error:invalid_grant'],
    [{ token: 'status-500' }, 'provider_http_500'],
    [{ token: 'hang' }, 'provider_timeout'],
    [{ token: 'not-json' }, 'response_not_json'],
    [{ userinfo: 'sub-mismatch' }, 'response_sub_mismatch'],
  ] as Array<[Partial<Behavior>, string]>)('%o is logged with reason %s', async (behavior, reason) => {
    stack.idp.behave(behavior);
    await onStackFor(stack, behavior, async (target) => {
      await loginThrough(target, 'bad');
      expect(lastFailure(target)?.reason).toBe(reason);
    });
  });

  it.each([
    ['a state with no transaction cookie', (callback: URL) => callback.searchParams.set('state', 'B'.repeat(32)), 'tx_cookie_missing'],
    ['no state', (callback: URL) => callback.searchParams.delete('state'), 'state_missing'],
  ])('%s is logged as %s', async (_, forge, reason) => {
    const browser = new TestBrowser();
    const start = await browser.get(`${stack.origin}/auth/login/bad`);
    const callback = new URL((await browser.get(start.headers.get('location') ?? '')).headers.get('location') ?? '');
    forge(callback);
    await browser.get(callback);
    expect(lastFailure()?.reason).toBe(reason);
  });

  it('every failure reason is a short code, never a class name or "object"', () => {
    const reasons = stack.bff.logs.lines.filter((line) => 'reason' in line).map((line) => line.reason);
    expect(reasons.length).toBeGreaterThan(10);
    for (const reason of reasons) {
      expect(reason).toMatch(/^[a-z][a-z0-9_]*(:[a-z][a-z0-9_]*)?$/);
      expect(reason).not.toMatch(/^(object|AuthBffError|Error)$/);
    }
  });
});

describe('email_verified speaks of the email beside it (issue #14, item 8)', () => {
  const address = fc.constantFrom(undefined, 'hostile@example.test', 'other@example.test');
  const flag = fc.constantFrom(undefined, true, false);

  it('property: the session says verified only when the source of its email says so for that address', async () => {
    await fc.assert(
      fc.asyncProperty(address, flag, address, flag, async (idEmail, idFlag, infoEmail, infoFlag) => {
        const pair = (email: string | undefined, verified: boolean | undefined) =>
          Object.fromEntries(Object.entries({ email, email_verified: verified }).filter(([, value]) => value !== undefined));
        stack.idp.behave({
          idTokenClaims: pair(idEmail, idFlag),
          raw: { userinfo: { status: 200, contentType: 'application/json', body: JSON.stringify({ sub: HOSTILE_SUBJECT, ...pair(infoEmail, infoFlag) }) } },
        });
        const { browser } = await loginThrough(stack, 'bad');
        const session = await sessionIn(stack, browser);
        expect(session.authenticated).toBe(true);
        const verified = infoEmail === undefined ? idFlag === true : infoFlag === true || (infoFlag === undefined && infoEmail === idEmail && idFlag === true);
        if (session.authenticated) {
          expect(session.user.email).toBe(infoEmail ?? idEmail);
          expect(session.user.emailVerified === true).toBe(verified);
        }
        stack.idp.reset();
      }),
      { numRuns: runs(30) },
    );
  });
});
