/**
 * A platform the test app defines for itself, as an app would, with nothing but what
 * `bff-auth/bff` exports (its emulator: emulators/acme.ts).
 */
import { authorizationParams, bearer, clientSecretField, definePlatform, ERROR_MEMBER, refreshCall, TOKEN_PROBE, tokenCall } from '../../bff/index.js';

export const acmePlatform = definePlatform({
  type: 'acme-id',
  name: 'Acme ID',
  endpoints: {
    authorization: 'https://id.acme.example/oauth2/authorize',
    token: 'https://id.acme.example/oauth2/token',
    userinfo: 'https://id.acme.example/api/me',
  },
  scope: 'profile',
  config: { clientSecret: clientSecretField },
  authorization: { params: authorizationParams },
  token: tokenCall(),
  refresh: refreshCall(),
  // The profile sits under `data`; a non-zero `code` is a refusal, whatever the HTTP status.
  userinfo: { method: 'GET', headers: bearer, envelope: 'data', refusals: [{ path: 'code', ok: ['0'] }] },
  refusals: [ERROR_MEMBER],
  // The token answer names the user too (`user_id`); the profile's `uid` is the one that counts, and the two must agree.
  user: { idFrom: 'userinfo', id: ['user_id', 'uid'], name: ['nick'], email: ['mail'], avatarUrl: ['avatar'] },
  // What bff-auth doctor checks of it: RFC 6749's refusals.
  registration: { console: 'https://id.acme.example/developers', tokenProbe: TOKEN_PROBE },
});
