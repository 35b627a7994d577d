import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { fetchHeaders } from '../support/dev-stack.js';
import { HOSTILE_SUBJECT } from '../support/hostile-provider.js';
import { startHostileStack, type HostileStack } from '../support/hostile-stack.js';
import { loginThrough } from '../support/provider-stack.js';

let stack: HostileStack;
beforeAll(async () => {
  stack = await startHostileStack((idp) => ({
    providers: [
      {
        id: 'bad',
        type: 'oauth2',
        name: 'Plain OAuth',
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        tokenEndpointAuthMethod: 'client_secret_post',
        scope: 'read',
        endpoints: { authorization: `${idp.issuer}/authorize`, token: `${idp.issuer}/token`, userinfo: `${idp.issuer}/userinfo` },
        userFields: { name: 'email' },
      },
      {
        id: 'plain',
        type: 'oauth2',
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        issuer: idp.issuer,
        endpoints: {
          authorization: `${idp.issuer}/authorize`,
          token: `${idp.issuer}/token`,
          userinfo: `${idp.issuer}/userinfo`,
          revocation: `${idp.issuer}/revoke`,
        },
      },
    ],
    apis: [{ path: '/api/me', provider: 'plain', target: `${idp.origin}/userinfo` }],
  }));
});
afterAll(() => stack.close());
afterEach(() => stack.idp.reset());

const lastRequestTo = (path: string) => stack.idp.requests.findLast((request) => request.path === path);

it('type oauth2: explicit endpoints, PKCE without nonce, the id from userinfo, mapped fields', async () => {
  const result = await loginThrough(stack, 'bad');
  expect(result.location).toBe('/home');
  const session = await (await result.browser.get(`${stack.origin}/auth/session`, { headers: fetchHeaders })).json();
  expect(session).toHaveProperty(
    'user',
    expect.objectContaining({ id: `bad:${HOSTILE_SUBJECT}`, providerUserId: HOSTILE_SUBJECT, name: 'hostile@example.test', email: 'hostile@example.test' }),
  );

  const authorize = stack.idp.requests.findLast((request) => request.path === '/authorize');
  expect(authorize?.query).toMatchObject({ scope: 'read', code_challenge_method: 'S256' });
  expect(authorize?.query.nonce).toBeUndefined();
  const token = stack.idp.requests.findLast((request) => request.path === '/token');
  expect(token?.body.client_secret).toBe(stack.idp.clientSecret);
  expect(token?.headers.authorization).toBeUndefined();
});

it('type oauth2: a userinfo answer that is not JSON ends the login with profile_failed', async () => {
  stack.idp.behave({ userinfo: 'not-json' });
  expect((await loginThrough(stack, 'bad')).location).toBe('/home?auth_error=profile_failed');
});

it('type oauth2 by default authenticates with HTTP Basic, the id and secret form-encoded (RFC 6749 §2.3.1), and sends no scope', async () => {
  expect((await loginThrough(stack, 'plain')).location).toBe('/home');
  expect(lastRequestTo('/authorize')?.query).not.toHaveProperty('scope');
  const token = lastRequestTo('/token');
  const credentials = Buffer.from(token?.headers.authorization?.replace(/^Basic /, '') ?? '', 'base64').toString();
  const formDecoded = credentials.split(':').map((half) => new URLSearchParams(`v=${half}`).get('v'));
  expect(formDecoded).toEqual([stack.idp.clientId, stack.idp.clientSecret]);
  expect(token?.body).not.toHaveProperty('client_secret');
});

it('type oauth2 with an issuer refuses a callback whose iss names another (RFC 9207) and accepts one without iss', async () => {
  stack.idp.behave({ callbackIss: 'wrong' });
  expect((await loginThrough(stack, 'plain')).location).toBe('/home?auth_error=issuer_mismatch');
  stack.idp.behave({ callbackIss: 'missing' });
  expect((await loginThrough(stack, 'plain')).location).toBe('/home');
});

it('type oauth2: a refusal at the token endpoint is token_exchange_failed, logged with the provider error', async () => {
  stack.idp.behave({ token: 'invalid_grant' });
  expect((await loginThrough(stack, 'plain')).location).toBe('/home?auth_error=token_exchange_failed');
  expect(stack.bff.logs.lines.findLast((line) => line.event === 'login.failure')).toMatchObject({ reason: 'provider_error:invalid_grant' });
});

it('type oauth2 refreshes an expiring access token (RFC 6749 §6) and revokes the refresh token at logout (RFC 7009)', async () => {
  stack.idp.behave({ accessTokenLifetime: 30 });
  const { browser } = await loginThrough(stack, 'plain');
  const refreshTokens = () => stack.idp.issued.filter((token) => token.startsWith('rt-'));
  expect((await browser.get(`${stack.origin}/api/me`, { headers: fetchHeaders })).status).toBe(200);
  const refresh = lastRequestTo('/token');
  expect(refresh?.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: refreshTokens().at(-2) });
  expect(refresh?.headers.authorization).toMatch(/^Basic /);

  expect((await browser.post(`${stack.origin}/auth/logout`, { headers: fetchHeaders })).status).toBe(200);
  await vi.waitFor(() => expect(lastRequestTo('/revoke')?.body.token).toBe(refreshTokens().at(-1)));
  expect(stack.bff.logs.lines.some((line) => line.event === 'logout.revocation_failed')).toBe(false);
});
