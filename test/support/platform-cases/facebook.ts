import { expect } from 'vitest';
import { appsecretProof, FACEBOOK_PATHS, startFacebookEmulator, type FacebookEmulator } from '../../../emulators/facebook.js';
import { loginThrough, sessionIn } from '../provider-stack.js';
import { entryAt, everyErrorIsDenial, platformCase } from './platform-case.js';

export const facebookCase = platformCase<FacebookEmulator>({
  id: 'facebook',
  name: 'Facebook',
  start: startFacebookEmulator,
  entries: (facebook) => [
    entryAt(facebook, 'facebook', FACEBOOK_PATHS),
    { id: 'facebook-default', type: 'facebook', clientId: facebook.clientId, clientSecret: facebook.clientSecret },
    { id: 'facebook-v25', type: 'facebook', clientId: facebook.clientId, clientSecret: facebook.clientSecret, graphVersion: 'v25.0' },
  ],
  // Facebook does not say the address is verified: emailVerified false.
  user: ({ user }) => ({ providerUserId: user.id, name: user.name, email: user.email, emailVerified: false, avatarUrl: user.picture }),
  refusals: { token: { token: 'used-code' }, profile: { me: 'invalid-token' } },
  refresh: false,
  quirks: {
    'the profile call carries appsecret_proof, the hex HMAC-SHA256 of the token keyed with the app secret, and the token only in its header': async ({ stack, emulator }) => {
      expect((await loginThrough(stack, 'facebook')).location).toBe('/home');
      const me = emulator.requests.findLast((request) => request.path === FACEBOOK_PATHS.userinfo);
      const accessToken = /^Bearer (.+)$/.exec(me?.headers.authorization ?? '')?.[1] ?? '';
      expect(emulator.grants.scopeOf(accessToken)).toBeDefined();
      expect(me?.query).toEqual({ fields: 'id,name,email,picture', appsecret_proof: appsecretProof(accessToken, emulator.clientSecret) });
      expect(me?.query.appsecret_proof).toMatch(/^[0-9a-f]{64}$/);
    },
    'the emulator refuses a Graph call without or with a wrong appsecret_proof, as Facebook does': async ({ stack, emulator }) => {
      await loginThrough(stack, 'facebook');
      const accessToken = emulator.issued.findLast((issued) => issued.startsWith('EAA')) ?? '';
      for (const proof of ['', `&appsecret_proof=${appsecretProof(accessToken, 'another secret')}`]) {
        const answer = await fetch(`${emulator.origin}${FACEBOOK_PATHS.userinfo}?fields=id${proof}`, { headers: { authorization: `Bearer ${accessToken}` } });
        expect(answer.status).toBe(400);
        expect(await answer.json()).toMatchObject({ error: { type: 'GraphMethodException', code: 100 } });
      }
    },
    'the link asks for email,public_profile with no PKCE, and graphVersion picks the version in the address': async ({ stack }) => {
      const link = new URL((await loginThrough(stack, 'facebook')).authorizationUrl).searchParams;
      expect([...link.keys()]).toEqual(['client_id', 'response_type', 'redirect_uri', 'scope', 'state']);
      expect(link.get('scope')).toBe('email,public_profile');
      for (const [provider, version] of [['facebook-default', 'v26.0'], ['facebook-v25', 'v25.0']] as const) {
        const url = new URL((await loginThrough(stack, provider)).authorizationUrl);
        expect(`${url.origin}${url.pathname}`).toBe(`https://www.facebook.com/${version}/dialog/oauth`);
      }
    },
    'a user without a usable address signs in with no email and no verification claim': async ({ stack, emulator }) => {
      delete emulator.user.email;
      const { browser } = await loginThrough(stack, 'facebook');
      const session = await sessionIn(stack, browser);
      expect(session.authenticated && session.user).toEqual(expect.not.objectContaining({ email: expect.anything(), emailVerified: expect.anything() }));
      expect(session.authenticated && session.user.providerUserId).toBe(emulator.user.id);
    },
    'any error on a callback with a valid state, RFC 6749\'s included, is a denial': async ({ stack }) => {
      await everyErrorIsDenial(stack, 'facebook', { error_reason: 'user_denied' });
    },
  },
});
