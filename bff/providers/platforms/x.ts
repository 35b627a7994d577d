import { clientSecret } from '../config-fields.js';
import { definePlatform } from '../engine/define-platform.js';
import { authorizationParams, bearer, ERROR_MEMBER, refreshCall, revocationCall, TOKEN_PROBE, tokenCall } from '../engine/rfc6749.js';
import { FULL_REDIRECT_URI } from '../platform-guide.js';

/*
 * X (Twitter) OAuth 2.0, a confidential client. Documents:
 * - AUTHORIZATION_CODE: https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
 * - USER_ACCESS_TOKEN: https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
 * - USERS_ME: the API reference's `GET /2/users/me` and https://docs.x.com/x-api/fundamentals/data-dictionary (`confirmed_email`)
 * - ROTATION: https://docs.x.com/x-ads-api/mcp ("refresh tokens rotate — always save the newest one")
 *
 * PKCE is part of the only grant offered; a confidential client authenticates with HTTP Basic
 * at the token and revocation endpoints (a call without it: 401 `unauthorized_client`).
 * The code lives 30 seconds, so the token call follows the callback at once. Token errors are
 * RFC 6749 JSON; API errors `application/problem+json`, failing the step by their status.
 * The denial form is not documented (UNCONFIRMED): any `error` on the callback is read as the user's refusal.
 */

/** AUTHORIZATION_CODE: the scope that lets /2/users/me tell the confirmed email. */
const EMAIL_SCOPE = 'users.email';

export const x = definePlatform({
  type: 'x',
  name: 'X',
  endpoints: {
    authorization: 'https://x.com/i/oauth2/authorize',
    token: 'https://api.x.com/2/oauth2/token',
    userinfo: 'https://api.x.com/2/users/me',
    revocation: 'yes',
  },
  // AUTHORIZATION_CODE: `offline.access` brings a refresh token; add `users.email` for the email.
  scope: 'users.read tweet.read offline.access',
  // https://docs.x.com/resources/fundamentals/developer-apps (callback URLs): not localhost; 127.0.0.1 instead.
  guide: {
    title: 'X',
    ids: '`data.id` (a string)',
    refresh: 'yes, rotating (needs `offline.access`)',
    revocation: 'yes',
    console: 'developer.x.com (User authentication settings: Web App, confidential client)',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: 'X refuses `localhost`: register `http://127.0.0.1:5173/auth/callback/<id>`, set `baseUrl` to `http://127.0.0.1:5173` and open that',
  },
  config: { clientSecret },
  callback: { everyErrorMeans: 'access_denied' },
  authorization: { params: authorizationParams },
  token: tokenCall('client_secret_basic'),
  // ROTATION: each answer brings a new refresh token, which the engine stores in place of the spent one.
  refresh: refreshCall('client_secret_basic'),
  revocation: revocationCall('client_secret_basic'),
  // USERS_ME: `{"data": {...}}`; `confirmed_email` is asked for only when the scope allows it.
  userinfo: {
    method: 'GET',
    query: ({ config }) => ({
      'user.fields': config.scope.split(' ').includes(EMAIL_SCOPE) ? 'profile_image_url,confirmed_email' : 'profile_image_url',
    }),
    headers: bearer,
    envelope: 'data',
  },
  refusals: [ERROR_MEMBER],
  // USERS_ME: `id` is a 64-bit number as a string; `confirmed_email` is "the confirmed email of the authenticated user".
  user: {
    idFrom: 'userinfo',
    id: ['id'],
    name: ['name'],
    username: ['username'],
    email: ['confirmed_email'],
    emailVerified: true,
    avatarUrl: ['profile_image_url'],
  },
  // AUTHORIZATION_CODE: a call without valid Basic credentials is `unauthorized_client`; a bad code `invalid_request`.
  registration: {
    console: 'https://developer.x.com/en/portal/dashboard',
    tokenProbe: { ...TOKEN_PROBE, invalidCode: ['invalid_grant', 'invalid_request'], badClient: ['invalid_client', 'unauthorized_client'] },
  },
});
