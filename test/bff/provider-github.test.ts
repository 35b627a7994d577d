import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig, silentLogger } from '../../bff/index.js';
import { TEST_SECRET } from '../support/bff.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { loginThrough, onStackFor, sessionIn, startProviderStack, type ProviderStack } from '../support/provider-stack.js';
import { GITHUB_PATHS, startGitHubEmulator, type GitHubBehavior, type GitHubEmulator } from '../../emulators/github.js';

let stack: ProviderStack<GitHubEmulator>;
beforeAll(async () => {
  stack = await startProviderStack(startGitHubEmulator, (github) => {
    const entry = {
      type: 'github' as const,
      clientId: github.clientId,
      clientSecret: github.clientSecret,
      // Enterprise Server style: only the userinfo address is given for the API; /emails is found from it.
      endpoints: {
        authorization: github.origin + GITHUB_PATHS.authorization,
        token: github.origin + GITHUB_PATHS.token,
        userinfo: github.origin + GITHUB_PATHS.userinfo,
      },
    };
    return { providers: [{ id: 'github', ...entry }, { id: 'github-profile-only', scope: 'read:user', ...entry }] };
  });
});
beforeEach(() => stack.idp.reset());
afterAll(() => stack.close());

const requestsTo = (path: string) => stack.idp.requests.filter((request) => request.path === path);
const lastRequest = (path: string) => requestsTo(path).at(-1);

describe('type github: an OAuth app login against the GitHub emulator', () => {
  it('signs in a user who keeps their email private as github:<numeric id>, with the primary verified email from /user/emails', async () => {
    const { location, browser } = await loginThrough(stack, 'github');
    expect(location).toBe('/home');
    const { user } = stack.idp;
    expect(await sessionIn(stack, browser)).toEqual({
      authenticated: true,
      provider: 'github',
      expiresAt: expect.any(Number),
      linked: ['github'],
      user: {
        id: `github:${user.id}`,
        provider: 'github',
        providerUserId: String(user.id),
        name: user.name,
        username: user.login,
        email: 'octocat@example.test',
        emailVerified: true,
        avatarUrl: user.avatar_url,
      },
    });
  });

  it('takes a public email from the profile without listing the addresses', async () => {
    Object.assign(stack.idp.user, { email: 'public@example.test', name: null });
    const emailsBefore = requestsTo(`${GITHUB_PATHS.userinfo}/emails`).length;
    const { browser } = await loginThrough(stack, 'github');
    const session = await sessionIn(stack, browser);
    expect(session.authenticated && session.user).toMatchObject({ email: 'public@example.test', username: 'octocat' });
    expect(session.authenticated && session.user.name).toBeUndefined();
    expect(requestsTo(`${GITHUB_PATHS.userinfo}/emails`)).toHaveLength(emailsBefore);
  });

  it('signs the user in without an email when no address is both primary and verified', async () => {
    stack.idp.user.emails = [{ email: 'unverified@example.test', primary: true, verified: false, visibility: 'private' }];
    const { location, browser } = await loginThrough(stack, 'github');
    expect(location).toBe('/home');
    const session = await sessionIn(stack, browser);
    expect(session.authenticated && session.user.email).toBeUndefined();
  });

  it('refuses a numeric user id past 2^53, which JSON.parse has already rounded, as profile_failed, with no session', async () => {
    // 2^60 + 1 reaches the BFF as 2^60: two users would share one id if it were kept.
    Object.assign(stack.idp.user, { id: 2 ** 60 + 1 });
    const { location, browser } = await loginThrough(stack, 'github');
    expect(location).toBe('/home?auth_error=profile_failed');
    expect(await sessionIn(stack, browser)).toEqual({ authenticated: false });
  });

  it('does not list addresses when the configured scope does not allow it (GitHub would answer 404)', async () => {
    const emailsBefore = requestsTo(`${GITHUB_PATHS.userinfo}/emails`).length;
    const { location, browser } = await loginThrough(stack, 'github-profile-only');
    expect(location).toBe('/home');
    const session = await sessionIn(stack, browser);
    expect(session.authenticated && session.user).toMatchObject({ id: `github-profile-only:${stack.idp.user.id}`, username: 'octocat' });
    expect(session.authenticated && session.user.email).toBeUndefined();
    expect(requestsTo(`${GITHUB_PATHS.userinfo}/emails`)).toHaveLength(emailsBefore);
  });

  it('lists itself as "GitHub" of type github', async () => {
    const providers = await (await fetch(`${stack.origin}/auth/providers`, { headers: fetchHeaders })).json();
    expect(providers).toContainEqual({ id: 'github', name: 'GitHub', type: 'github' });
  });

  it('asks for read:user and user:email with a PKCE S256 challenge and no nonce', async () => {
    const { authorizationUrl } = await loginThrough(stack, 'github');
    const query = Object.fromEntries(new URL(authorizationUrl).searchParams);
    expect(query).toEqual({
      client_id: stack.idp.clientId,
      response_type: 'code',
      redirect_uri: `${stack.origin}/auth/callback/github`,
      scope: 'read:user user:email',
      state: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
  });

  it('redeems the code with the secret in the form body, the PKCE verifier and Accept: application/json, and calls the API with a User-Agent', async () => {
    const { authorizationUrl, callbackUrl } = await loginThrough(stack, 'github');
    const token = lastRequest(GITHUB_PATHS.token);
    expect(token?.headers.accept).toBe('application/json');
    expect(token?.headers.authorization).toBeUndefined();
    expect(token?.body).toMatchObject({
      grant_type: 'authorization_code',
      client_id: stack.idp.clientId,
      client_secret: stack.idp.clientSecret,
      code: new URL(callbackUrl ?? '').searchParams.get('code'),
      redirect_uri: `${stack.origin}/auth/callback/github`,
    });
    const challenge = createHash('sha256').update(token?.body.code_verifier ?? '').digest('base64url');
    expect(challenge).toBe(new URL(authorizationUrl).searchParams.get('code_challenge'));

    const accessToken = stack.idp.issued.findLast((issued) => issued.startsWith('gho_'));
    for (const path of [GITHUB_PATHS.userinfo, `${GITHUB_PATHS.userinfo}/emails`]) {
      expect(lastRequest(path)?.headers).toMatchObject({ authorization: `Bearer ${accessToken}`, 'user-agent': 'bff-auth' });
    }
  });

  it('a user who says no at GitHub comes back with error=access_denied and no session', async () => {
    stack.idp.behave({ authorize: 'deny' });
    const { location, browser } = await loginThrough(stack, 'github');
    expect(location).toBe('/home?auth_error=access_denied');
    expect(await sessionIn(stack, browser)).toEqual({ authenticated: false });
  });

  const failures: Array<[string, string, Partial<GitHubBehavior>]> = [
    ['a refused code (HTTP 200 with error=bad_verification_code)', 'token_exchange_failed', { token: 'bad_verification_code' }],
    ['a 500 from the token endpoint', 'provider_unavailable', { token: 'status-500' }],
    ['a token endpoint that never answers', 'provider_unavailable', { token: 'hang' }],
    ['a 401 Bad credentials from /user', 'profile_failed', { user: 'bad-credentials' }],
    ['a 500 from /user', 'provider_unavailable', { user: 'status-500' }],
    ['a 500 from /user/emails', 'provider_unavailable', { emails: 'status-500' }],
    ['a /user/emails answer that stops halfway', 'provider_unavailable', { emails: 'stall-body' }],
    ['a /user answer that stops halfway', 'provider_unavailable', { user: 'stall-body' }],
    ['a token answer that stops halfway', 'provider_unavailable', { token: 'stall-body' }],
  ];
  it.each(failures)('%s ends the login with %s and no session', async (_, code, behavior) => {
    stack.idp.behave(behavior);
    await onStackFor(stack, behavior, async (target) => {
      const { location, browser } = await loginThrough(target, 'github');
      expect(location).toBe(`/home?auth_error=${code}`);
      expect(await sessionIn(target, browser)).toEqual({ authenticated: false });
    });
  });

  it('no client secret, code or token reaches the logs, whether the login succeeds or fails', async () => {
    const before = stack.bff.logs.lines.length;
    expect((await loginThrough(stack, 'github')).location).toBe('/home');
    stack.idp.behave({ token: 'bad_verification_code' });
    expect((await loginThrough(stack, 'github')).location).toBe('/home?auth_error=token_exchange_failed');
    stack.idp.reset();
    stack.idp.behave({ user: 'bad-credentials' });
    expect((await loginThrough(stack, 'github')).location).toBe('/home?auth_error=profile_failed');

    const logged = stack.bff.logs.lines.slice(before);
    expect(logged.map((line) => line.event)).toEqual(expect.arrayContaining(['login.success', 'login.failure']));
    const text = JSON.stringify(logged);
    for (const secret of [stack.idp.clientSecret, ...stack.idp.issued]) expect(text).not.toContain(secret);
  });
});

describe('type github: configuration', () => {
  const github = (entry: Record<string, unknown> = {}) =>
    resolveConfig({
      baseUrl: 'https://app.example.com',
      secrets: [TEST_SECRET],
      logger: silentLogger,
      providers: [{ id: 'github', type: 'github', clientId: 'Iv1.0123456789', clientSecret: 'client-secret-0123456789', ...entry }],
    }).providers[0];

  it("defaults to github.com's authorization address, also when an override is left undefined", async () => {
    const provider = github({ endpoints: { authorization: undefined } });
    const { url } = (await provider?.authorizationUrl({ redirectUri: 'https://app.example.com/auth/callback/github', state: 'abc', codeChallenge: 'x' })) ?? {};
    expect(url?.origin + (url?.pathname ?? '')).toBe('https://github.com/login/oauth/authorize');
  });

  it('names the missing clientSecret and an endpoint key GitHub does not take (the emails address is derived)', () => {
    expect(() => github({ clientSecret: undefined })).toThrow(/providers\.0\.clientSecret: is required/);
    expect(() => github({ endpoints: { emails: 'https://ghe.example.com/api/v3/user/emails' } })).toThrow(/providers\.0\.endpoints: .*emails/);
    expect(() => github({ endpoints: { userinfo: 'http://ghe.example.com/api/v3/user' } })).toThrow(/providers\.0\.endpoints\.userinfo: must be https/);
  });
});
