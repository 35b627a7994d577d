import { afterAll, beforeAll, expect, it } from 'vitest';
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
    ],
  }));
});
afterAll(() => stack.close());

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
  try {
    expect((await loginThrough(stack, 'bad')).location).toBe('/home?auth_error=profile_failed');
  } finally {
    stack.idp.reset();
  }
});
