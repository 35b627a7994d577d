import { z } from 'zod';
import { clientSecret } from '../config-fields.js';
import { definePlatform } from '../engine/define-platform.js';
import { ERROR_MEMBER } from '../engine/rfc6749.js';
import { FULL_REDIRECT_URI, LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * Sina Weibo (open.weibo.com). Documents:
 * - AUTHORIZE: https://open.weibo.com/wiki/Oauth2/authorize
 * - ACCESS_TOKEN: https://open.weibo.com/wiki/Oauth2/access_token
 * - USERS_SHOW: https://open.weibo.com/wiki/2/users/show
 * - REVOKE: https://open.weibo.com/wiki/Oauth2/revokeoauth2
 * - ERROR_CODE: https://open.weibo.com/wiki/Error_code
 * Web apps get no refresh token (授权机制说明): the user signs in again when the token expires.
 */
export const weibo = definePlatform({
  type: 'weibo',
  name: 'Weibo',
  endpoints: {
    authorization: 'https://api.weibo.com/oauth2/authorize',
    token: 'https://api.weibo.com/oauth2/access_token',
    userinfo: 'https://api.weibo.com/2/users/show.json',
    revocation: 'yes (`revokeoauth2`)',
  },
  scope: '',
  guide: {
    title: 'Weibo',
    ids: '`uid` (string)',
    refresh: 'no (web apps get no refresh token)',
    revocation: 'yes (`revokeoauth2`)',
    console: 'open.weibo.com (授权回调页)',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: LOCAL_DEVELOPMENT.undocumented,
  },
  // AUTHORIZE: `scope` is optional (comma-separated, e.g. `email`); none asks for the basic profile.
  config: { clientSecret, scope: z.string().default('') },
  authorization: {
    params: ({ config, redirectUri, state }) => ({ client_id: config.clientId, redirect_uri: redirectUri, scope: config.scope || undefined, state }),
  },
  // ACCESS_TOKEN: a POST whose parameters are in the query string, as the document's examples send them
  // (a form body is reported to fail at times: UNCONFIRMED, so the proven form is used).
  token: {
    method: 'POST',
    query: ({ config, code, redirectUri }) => ({
      client_id: config.clientId,
      client_secret: config.clientSecret,
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
    }),
  },
  userinfo: { method: 'GET', query: ({ tokens, subject }) => ({ access_token: tokens.access_token, uid: subject }) },
  revocation: { method: 'POST', query: ({ tokens }) => ({ access_token: tokens.access_token }) },
  // ERROR_CODE: HTTP 400 with `{error, error_code, request}`; 21331 is "temporarily unavailable".
  refusals: [{ path: 'error_code', busy: [21331] }, ERROR_MEMBER],
  // The token answer's `uid` is a string; the profile's `id` is a 64-bit number that JSON
  // would round past 2^53, so its string twin `idstr` is read instead (USERS_SHOW).
  user: { idFrom: 'token', id: ['uid', 'idstr'], name: ['screen_name'], avatarUrl: ['avatar_hd', 'avatar_large', 'profile_image_url'] },
  // ERROR_CODE: 21325 invalid grant, 21324 invalid client, 21322 redirect_uri mismatch (授权回调页, 应用信息 → 高级信息).
  registration: { console: 'https://open.weibo.com/apps', tokenProbe: { path: 'error_code', invalidCode: [21325], badClient: [21324], redirectMismatch: [21322] } },
});
