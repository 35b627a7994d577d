/**
 * The OpenID Connect platforms (google, microsoft, gitlab, slack, linkedin) through the real BFF routes against
 * the hostile test provider, told to behave as each platform does (its claims, its issuer
 * forms, its discovery): the happy path with the expected User, the authorization URL's
 * parameters, a token-step refusal, any callback error, a token step that never answers, refresh,
 * and each platform's quirks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { HOSTILE_SUBJECT, startHostileProvider, type HostileProvider } from '../support/hostile-provider.js';
import { everyErrorIsDenial } from '../support/platform-cases/platform-case.js';
import { loginThrough, onStackFor, sessionIn, startProviderStack, type ProviderStack } from '../support/provider-stack.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

type Stack = ProviderStack<HostileProvider>;

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream?.close());

/** The BFF config of `providers`, each with an API at `/api/<id>` on the upstream. */
const withApis = (providers: Array<{ id: string } & Record<string, unknown>>) => ({
  providers,
  apis: providers.map(({ id }) => ({ path: `/api/${id}`, provider: id, target: upstream.origin })),
});

const entry = (idp: HostileProvider, id: string, type: string, extra: Record<string, unknown> = {}) => ({
  id,
  type,
  issuer: idp.issuer,
  clientId: idp.clientId,
  clientSecret: idp.clientSecret,
  ...extra,
});

async function userAfterLogin(stack: Stack, provider: string) {
  const result = await loginThrough(stack, provider);
  expect(result.location).toBe('/home');
  const session = await sessionIn(stack, result.browser);
  if (!session.authenticated) throw new Error('not signed in');
  return session.user;
}

async function failsWith(stack: Stack, provider: string, code: string) {
  const result = await loginThrough(stack, provider);
  expect(result.location).toBe(`/home?auth_error=${code}`);
  expect(await sessionIn(stack, result.browser)).toEqual({ authenticated: false });
}

/**
 * The cases every platform shares, in the shape of test/bff/platforms.test.ts: a token-step refusal,
 * a denial (any callback error), a token endpoint that never answers, and refresh through the API
 * proxy at `refreshing` (the entry that asks for a refresh token, where that takes a field).
 */
function commonCases(stack: () => Stack, provider: string, refreshing = provider) {
  it('a refusal at the token step is token_exchange_failed and signs no one in', async () => {
    stack().idp.behave({ token: 'invalid_grant' });
    await failsWith(stack(), provider, 'token_exchange_failed');
  });

  it('a denial at the provider is access_denied', async () => {
    stack().idp.behave({ callbackError: 'access_denied' });
    expect((await loginThrough(stack(), provider)).location).toBe('/home?auth_error=access_denied');
  });

  it("any error on a callback with a valid state, RFC 6749's busy codes included, is access_denied", async () => {
    await everyErrorIsDenial(stack(), provider);
  });

  it('a token endpoint that never answers ends the login with provider_unavailable', async () => {
    const behavior = { token: 'hang' } as const;
    stack().idp.behave(behavior);
    await onStackFor(stack(), behavior, (target) => failsWith(target, provider, 'provider_unavailable'));
  });

  const apiCall = (browser: TestBrowser) => browser.get(`${stack().origin}/api/${refreshing}/me`, { headers: fetchHeaders });

  it('refreshes an expiring access token for the API proxy, storing each rotated refresh token', async () => {
    const { idp } = stack();
    idp.behave({ accessTokenLifetime: 30 });
    const { browser, location } = await loginThrough(stack(), refreshing);
    expect(location).toBe('/home');
    const issuedAtLogin = idp.issued.length;
    // The provider takes each refresh token once: the second refresh works only if the first one's new token was stored.
    for (let call = 0; call < 2; call += 1) expect((await apiCall(browser)).status).toBe(200);
    const sent = upstream.seen.slice(-2);
    expect(new Set(sent).size).toBe(2);
    for (const token of sent) expect(idp.issued.slice(issuedAtLogin)).toContain(token);
  });

  it('a refused refresh ends the session (401 from the API proxy)', async () => {
    stack().idp.behave({ accessTokenLifetime: 30 });
    const { browser } = await loginThrough(stack(), refreshing);
    stack().idp.behave({ token: 'invalid_grant' });
    expect((await apiCall(browser)).status).toBe(401);
    expect(await sessionIn(stack(), browser)).toEqual({ authenticated: false });
  });
}

describe('google', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startProviderStack(startHostileProvider, (idp) =>
      withApis([
        entry(idp, 'google', 'google'),
        entry(idp, 'google-hd', 'google', { hostedDomain: 'example.com', accessType: 'offline' }),
        entry(idp, 'google-offline', 'google', { accessType: 'offline' }),
      ]),
    );
  });
  afterAll(() => stack?.close());
  beforeEach(() => stack.idp.reset());

  it('signs in with id = sub and emailVerified from email_verified', async () => {
    stack.idp.behave({ userinfoClaims: { email_verified: false } });
    expect(await userAfterLogin(stack, 'google')).toEqual({
      id: `google:${HOSTILE_SUBJECT}`,
      provider: 'google',
      providerUserId: HOSTILE_SUBJECT,
      name: 'Hostile User',
      email: 'hostile@example.test',
      emailVerified: false,
      avatarUrl: 'https://avatars.example.test/hostile-user-1.png',
    });
  });

  it('asks for openid email profile, online access and no hd by default', async () => {
    const url = new URL((await loginThrough(stack, 'google')).authorizationUrl);
    expect(url.searchParams.get('scope')).toBe('openid profile email');
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    for (const name of ['access_type', 'prompt', 'hd']) expect(url.searchParams.has(name)).toBe(false);
  });

  it('offline access and a hosted domain add access_type, prompt=consent and hd', async () => {
    stack.idp.behave({ idTokenClaims: { hd: 'example.com' } });
    const result = await loginThrough(stack, 'google-hd');
    const url = new URL(result.authorizationUrl);
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('hd')).toBe('example.com');
    expect(result.location).toBe('/home');
  });

  it.each([
    ['another domain', { hd: 'attacker.example' }],
    ['no hd claim (a consumer account)', {}],
  ])('a hosted domain refuses an ID token with %s: access_denied', async (_, claims) => {
    stack.idp.behave({ idTokenClaims: claims });
    const result = await loginThrough(stack, 'google-hd');
    expect(result.location).toBe('/home?auth_error=access_denied');
    expect(await sessionIn(stack, result.browser)).toEqual({ authenticated: false });
  });

  it('accepts the legacy issuer without its scheme, and no other issuer', async () => {
    const schemeless = stack.idp.issuer.replace(/^https?:\/\//, '');
    stack.idp.behave({ idTokenClaims: { iss: schemeless } });
    expect((await userAfterLogin(stack, 'google')).providerUserId).toBe(HOSTILE_SUBJECT);
    stack.idp.behave({ idTokenClaims: { iss: `${schemeless}.attacker.example` } });
    expect((await loginThrough(stack, 'google')).location).toBe('/home?auth_error=issuer_mismatch');
  });

  commonCases(() => stack, 'google', 'google-offline');
});

describe('microsoft', () => {
  const TENANT_A = '11111111-1111-4111-8111-111111111111';
  const TENANT_B = '22222222-2222-4222-8222-222222222222';
  let stack: Stack;
  beforeAll(async () => {
    stack = await startProviderStack(
      () => startHostileProvider({ issuerPath: '/common/v2.0' }),
      (idp) =>
        withApis([
          entry(idp, 'microsoft', 'microsoft'),
          entry(idp, 'microsoft-a', 'microsoft', { allowedTenants: [TENANT_A] }),
          { ...entry(idp, 'microsoft-authority', 'microsoft', { authority: idp.origin }), issuer: undefined },
        ]),
    );
  });
  afterAll(() => stack?.close());

  /** Entra as its `common` endpoint behaves: the issuer template in discovery, no `iss` on the callback, a token from `tid`. */
  const behaveAsEntra = (claims: Record<string, unknown> = {}, tenant = TENANT_A) =>
    stack.idp.behave({
      discoveryOverrides: { issuer: `${stack.idp.origin}/{tenantid}/v2.0`, authorization_response_iss_parameter_supported: false },
      callbackIss: 'missing',
      idTokenClaims: { iss: `${stack.idp.origin}/${tenant}/v2.0`, tid: tenant, oid: `oid-in-${tenant}`, email: 'user@contoso.example', ...claims },
    });
  beforeEach(() => {
    stack.idp.reset();
    behaveAsEntra({ xms_edov: true });
  });

  it('signs in under common with id = sub, unionId = oid, and the email verified by xms_edov', async () => {
    expect(await userAfterLogin(stack, 'microsoft')).toEqual({
      id: `microsoft:${HOSTILE_SUBJECT}`,
      provider: 'microsoft',
      providerUserId: HOSTILE_SUBJECT,
      unionId: `oid-in-${TENANT_A}`,
      name: 'Hostile User',
      email: 'hostile@example.test',
      emailVerified: true,
      avatarUrl: 'https://avatars.example.test/hostile-user-1.png',
    });
  });

  it('sends the login to {authority}/{tenant}/v2.0 with profile in the scope', async () => {
    const url = new URL((await loginThrough(stack, 'microsoft-authority')).authorizationUrl);
    expect(url.origin + url.pathname).toBe(`${stack.idp.origin}/common/v2.0/authorize`);
    expect(url.searchParams.get('scope')).toBe('openid profile email');
    expect(url.searchParams.get('nonce')).toBeTruthy();
  });

  it('signs in a user of a second tenant under common, its iss naming that tenant', async () => {
    behaveAsEntra({ xms_edov: true }, TENANT_B);
    expect((await userAfterLogin(stack, 'microsoft')).unionId).toBe(`oid-in-${TENANT_B}`);
  });

  it('allowedTenants refuses a token of another tenant (access_denied) and accepts its own', async () => {
    behaveAsEntra({}, TENANT_B);
    const result = await loginThrough(stack, 'microsoft-a');
    expect(result.location).toBe('/home?auth_error=access_denied');
    expect(await sessionIn(stack, result.browser)).toEqual({ authenticated: false });
    behaveAsEntra();
    expect((await loginThrough(stack, 'microsoft-a')).location).toBe('/home');
  });

  it.each([
    ['names another tenant than its tid', (origin: string) => ({ iss: `${origin}/${TENANT_B}/v2.0` })],
    ['is the template itself', (origin: string) => ({ iss: `${origin}/{tenantid}/v2.0` })],
    ['comes with no tid', () => ({ tid: undefined })],
  ])('refuses an ID token whose iss %s: issuer_mismatch', async (_, claims) => {
    behaveAsEntra(claims(stack.idp.origin));
    const result = await loginThrough(stack, 'microsoft');
    expect(result.location).toBe('/home?auth_error=issuer_mismatch');
    expect(await sessionIn(stack, result.browser)).toEqual({ authenticated: false });
  });

  it("a callback iss (RFC 9207) naming the token's own tenant signs in: it is never compared with the template", async () => {
    for (const tenant of [TENANT_A, TENANT_B]) {
      behaveAsEntra({}, tenant);
      stack.idp.behave({ callbackIss: { iss: `${stack.idp.origin}/${tenant}/v2.0` } });
      expect((await userAfterLogin(stack, 'microsoft')).unionId).toBe(`oid-in-${tenant}`);
    }
  });

  it.each([
    ["another tenant than the ID token's", (origin: string) => `${origin}/${TENANT_B}/v2.0`],
    ['the template itself', (origin: string) => `${origin}/{tenantid}/v2.0`],
    ['a tenant of another authority', () => `https://attacker.example.test/${TENANT_A}/v2.0`],
    ['something else in the tenant place', (origin: string) => `${origin}/${TENANT_A}/x/v2.0`],
  ])('a callback iss naming %s is issuer_mismatch', async (_, iss) => {
    stack.idp.behave({ callbackIss: { iss: iss(stack.idp.origin) } });
    const result = await loginThrough(stack, 'microsoft');
    expect(result.location).toBe('/home?auth_error=issuer_mismatch');
    expect(await sessionIn(stack, result.browser)).toEqual({ authenticated: false });
  });

  it("a refresh answer's ID token is checked against the template filled from its own tid too", async () => {
    stack.idp.behave({ refreshIdToken: 'same-subject', accessTokenLifetime: 30 });
    const { browser } = await loginThrough(stack, 'microsoft');
    const apiCall = () => browser.get(`${stack.origin}/api/microsoft/me`, { headers: fetchHeaders });
    expect((await apiCall()).status).toBe(200);
    behaveAsEntra({ iss: `${stack.idp.origin}/${TENANT_B}/v2.0` });
    stack.idp.behave({ refreshIdToken: 'same-subject', accessTokenLifetime: 30 });
    expect((await apiCall()).status).toBe(401);
    expect(await sessionIn(stack, browser)).toEqual({ authenticated: false });
  });

  it('an email without xms_edov is not verified, whatever email_verified says', async () => {
    behaveAsEntra({ email_verified: true });
    expect((await userAfterLogin(stack, 'microsoft')).emailVerified).toBeUndefined();
    behaveAsEntra({ xms_edov: false });
    expect((await userAfterLogin(stack, 'microsoft')).emailVerified).toBe(false);
  });

  commonCases(() => stack, 'microsoft');
});

describe('gitlab', () => {
  let stack: Stack;
  beforeAll(async () => {
    // A self-managed instance under a relative URL root: discovery at the issuer's path.
    stack = await startProviderStack(
      () => startHostileProvider({ issuerPath: '/gitlab' }),
      (idp) => withApis([entry(idp, 'gitlab', 'gitlab')]),
    );
  });
  afterAll(() => stack?.close());
  beforeEach(() => stack.idp.reset());

  it('signs in with id = sub and username = nickname from the ID token', async () => {
    stack.idp.behave({ idTokenClaims: { nickname: 'hostile-dev' }, userinfoClaims: { nickname: undefined } });
    expect(await userAfterLogin(stack, 'gitlab')).toEqual({
      id: `gitlab:${HOSTILE_SUBJECT}`,
      provider: 'gitlab',
      providerUserId: HOSTILE_SUBJECT,
      name: 'Hostile User',
      username: 'hostile-dev',
      email: 'hostile@example.test',
      emailVerified: true,
      avatarUrl: 'https://avatars.example.test/hostile-user-1.png',
    });
  });

  it('takes the nickname from userinfo when the ID token lacks it (older GitLab versions)', async () => {
    stack.idp.behave({ userinfoClaims: { nickname: 'from-userinfo' } });
    expect((await userAfterLogin(stack, 'gitlab')).username).toBe('from-userinfo');
  });

  it('sends the login to the instance under its path with openid profile email', async () => {
    const url = new URL((await loginThrough(stack, 'gitlab')).authorizationUrl);
    expect(url.origin + url.pathname).toBe(`${stack.idp.origin}/gitlab/authorize`);
    expect(url.searchParams.get('scope')).toBe('openid profile email');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  });

  commonCases(() => stack, 'gitlab');
});

describe('slack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startProviderStack(startHostileProvider, (idp) => withApis([entry(idp, 'slack', 'slack')]));
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    stack.idp.reset();
    stack.idp.requests.length = 0;
  });

  it('signs in with id = sub, always sending a nonce and the client credentials in the form body', async () => {
    const result = await loginThrough(stack, 'slack');
    expect(result.location).toBe('/home');
    expect(new URL(result.authorizationUrl).searchParams.get('nonce')).toBeTruthy();
    const tokenCallMade = stack.idp.requests.find(({ path }) => path === '/token');
    expect(tokenCallMade?.body).toMatchObject({ client_id: stack.idp.clientId, client_secret: stack.idp.clientSecret });
    expect(tokenCallMade?.headers.authorization).toBeUndefined();
    const session = await sessionIn(stack, result.browser);
    expect(session.authenticated && session.user.providerUserId).toBe(HOSTILE_SUBJECT);
  });

  it('an HTTP 200 {"ok": false} token answer is a refusal: token_exchange_failed', async () => {
    stack.idp.behave({ raw: { token: { status: 200, contentType: 'application/json', body: '{"ok":false,"error":"invalid_code"}' } } });
    const result = await loginThrough(stack, 'slack');
    expect(result.location).toBe('/home?auth_error=token_exchange_failed');
    expect(await sessionIn(stack, result.browser)).toEqual({ authenticated: false });
  });

  commonCases(() => stack, 'slack');
});

describe('linkedin', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startProviderStack(
      () => startHostileProvider({ issuerPath: '/oauth' }),
      (idp) => withApis([entry(idp, 'linkedin', 'linkedin')]),
    );
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    stack.idp.reset();
    stack.idp.behave({ pkce: 'refused' });
  });

  it('signs in with id = sub, sending no PKCE, no nonce, and the client credentials in the form body', async () => {
    const result = await loginThrough(stack, 'linkedin');
    expect(result.location).toBe('/home');
    const url = new URL(result.authorizationUrl);
    for (const name of ['code_challenge', 'code_challenge_method', 'nonce']) expect(url.searchParams.has(name)).toBe(false);
    const session = await sessionIn(stack, result.browser);
    expect(session.authenticated && session.user.providerUserId).toBe(HOSTILE_SUBJECT);
  });

  it.each(['user_cancelled_authorize', 'user_cancelled_login'])('its cancel code %s is access_denied', async (error) => {
    stack.idp.behave({ callbackError: error });
    expect((await loginThrough(stack, 'linkedin')).location).toBe('/home?auth_error=access_denied');
  });

  commonCases(() => stack, 'linkedin');
});
