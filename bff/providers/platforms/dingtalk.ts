import { clientSecret } from '../config-fields.js';
import { definePlatform } from '../engine/define-platform.js';
import { FULL_REDIRECT_URI, LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * DingTalk (钉钉) third-party website login, the current API (not the legacy sns one). Documents:
 * - IDENTITY: https://open.dingtalk.com/document/orgapp/obtain-identity-credentials
 * - USER_TOKEN: https://open.dingtalk.com/document/orgapp/obtain-user-token
 * - USERS_ME: https://open.dingtalk.com/document/orgapp/dingtalk-retrieve-user-information
 *
 * The token and profile APIs are camelCase JSON and refuse with HTTP 4xx and
 * `{code, message, requestid}`, where `code` is a name ("InvalidAuthentication").
 * No PKCE, no revocation.
 */
export const dingtalk = definePlatform({
  type: 'dingtalk',
  name: 'DingTalk',
  endpoints: {
    authorization: 'https://login.dingtalk.com/oauth2/auth',
    token: 'https://api.dingtalk.com/v1.0/oauth2/userAccessToken',
    userinfo: 'https://api.dingtalk.com/v1.0/contact/users/me',
  },
  scope: 'openid',
  guide: {
    title: 'DingTalk',
    ids: '`openId` / `unionId`',
    refresh: 'yes',
    revocation: 'no',
    console: 'open-dev.dingtalk.com (重定向URL)',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: LOCAL_DEVELOPMENT.undocumented,
  },
  config: { clientSecret },
  // IDENTITY: the code comes back as `authCode`; a failure as `error=...` whose values are not listed, so any value the RFC does not name is read as the user's refusal.
  callback: { code: 'authCode', unknownErrorMeans: 'access_denied' },
  authorization: {
    // IDENTITY: `prompt=consent` is required.
    params: ({ config, redirectUri, state }) => ({ redirect_uri: redirectUri, response_type: 'code', client_id: config.clientId, scope: config.scope, state, prompt: 'consent' }),
  },
  // USER_TOKEN: a JSON body only (a form body is answered 400 "body is mandatory").
  token: {
    method: 'POST',
    json: ({ config, code }) => ({ clientId: config.clientId, clientSecret: config.clientSecret, code, grantType: 'authorization_code' }),
  },
  // USER_TOKEN: the refresh token lives 30 days; whether it rotates is not documented (UNCONFIRMED): the answer's is stored.
  refresh: {
    method: 'POST',
    json: ({ config, tokens }) => ({ clientId: config.clientId, clientSecret: config.clientSecret, refreshToken: tokens.refresh_token, grantType: 'refresh_token' }),
  },
  userinfo: { method: 'GET', headers: ({ tokens }) => ({ 'x-acs-dingtalk-access-token': tokens.access_token }) },
  refusals: [{ path: 'code' }],
  tokenFields: { accessToken: 'accessToken', refreshToken: 'refreshToken', expiresIn: 'expireIn' },
  // USERS_ME: `openId` is per app, `unionId` across the developer's apps; the email is not documented as verified.
  user: { idFrom: 'userinfo', id: ['openId'], unionId: ['unionId'], name: ['nick'], email: ['email'], avatarUrl: ['avatarUrl'] },
  // No token probe for bff-auth doctor: a bad code and a bad client are both `InvalidAuthentication` (USER_TOKEN), so it could prove nothing.
  registration: { console: 'https://open-dev.dingtalk.com/' },
});
