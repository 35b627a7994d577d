import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { fetchHeaders } from '../dev-stack.js';
import { basicCredentials, type EmulatorRequest } from '../../../emulators/platform-emulator.js';
import { startXEmulator, X_PATHS, type XEmulator } from '../../../emulators/x.js';
import { loginThrough, sessionIn } from '../provider-stack.js';
import { entryAt, everyErrorIsDenial, platformCase } from './platform-case.js';

const tokenRequests = (emulator: XEmulator, grant: 'authorization_code' | 'refresh_token'): EmulatorRequest[] =>
  emulator.requests.filter((request) => request.path === X_PATHS.token && request.body.grant_type === grant) as EmulatorRequest[];

export const xCase = platformCase<XEmulator>({
  id: 'x',
  name: 'X',
  start: startXEmulator,
  entries: (x) => [
    entryAt(x, 'x', X_PATHS),
    { ...entryAt(x, 'x', X_PATHS), id: 'x-email', scope: 'users.read tweet.read offline.access users.email' },
  ],
  // Without users.email, no email.
  user: ({ user }) => ({ providerUserId: user.id, name: user.name, username: user.username, avatarUrl: user.profile_image_url }),
  refusals: { token: { token: 'invalid-code' }, profile: { me: 'unauthorized' } },
  refresh: { rotates: true, refusal: 'invalid-token' },
  quirks: {
    'PKCE S256 on the link, and the code redeemed with its verifier, the client by HTTP Basic only': async ({ stack, emulator }) => {
      const { authorizationUrl, location } = await loginThrough(stack, 'x');
      expect(location).toBe('/home');
      const link = new URL(authorizationUrl).searchParams;
      expect([...link.keys()]).toEqual(['client_id', 'response_type', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method']);
      expect(link.get('scope')).toBe('users.read tweet.read offline.access');
      expect(link.get('code_challenge_method')).toBe('S256');
      const token = tokenRequests(emulator, 'authorization_code').at(-1);
      expect(basicCredentials(token?.headers ?? {})).toEqual({ clientId: emulator.clientId, clientSecret: emulator.clientSecret });
      expect(Object.keys(token?.body ?? {})).toEqual(['grant_type', 'code', 'redirect_uri', 'code_verifier']);
      expect(createHash('sha256').update(token?.body.code_verifier ?? '').digest('base64url')).toBe(link.get('code_challenge'));
    },
    'a token call without Basic authentication is refused, as X does': async ({ emulator }) => {
      const answer = await fetch(emulator.origin + X_PATHS.token, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c', client_id: emulator.clientId, client_secret: emulator.clientSecret }),
      });
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({ error: 'unauthorized_client' });
    },
    'refresh tokens rotate: each refresh sends the one the previous answer brought, by Basic, and the spent one is dead': async ({ stack, emulator }) => {
      emulator.expiresIn = 30;
      const { browser } = await loginThrough(stack, 'x');
      const issuedAtLogin = emulator.issued.at(-1);
      for (let call = 0; call < 2; call += 1) expect((await browser.get(`${stack.origin}/api/x/me`, { headers: fetchHeaders })).status).toBe(200);
      const [first, second] = tokenRequests(emulator, 'refresh_token').slice(-2);
      expect(first?.body.refresh_token).toBe(issuedAtLogin);
      expect(second?.body.refresh_token).not.toBe(issuedAtLogin);
      expect(emulator.issued).toContain(second?.body.refresh_token);
      expect(basicCredentials(second?.headers ?? {})).toEqual({ clientId: emulator.clientId, clientSecret: emulator.clientSecret });
      expect(emulator.grants.refresh(issuedAtLogin, true)).toBeUndefined();
    },
    'with users.email, confirmed_email is the email, verified': async ({ stack, emulator }) => {
      const { browser } = await loginThrough(stack, 'x-email');
      const session = await sessionIn(stack, browser);
      expect(session.authenticated && session.user).toMatchObject({ providerUserId: emulator.user.id, email: emulator.user.confirmed_email, emailVerified: true });
      const me = emulator.requests.findLast((request) => request.path === X_PATHS.userinfo);
      expect(me?.query['user.fields']).toBe('profile_image_url,confirmed_email');
    },
    'any error on a callback with a valid state, RFC 6749\'s included, is a denial': async ({ stack }) => {
      await everyErrorIsDenial(stack, 'x');
    },
  },
});
