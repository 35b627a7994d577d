import { clientSecret } from '../config-fields.js';
import { definePlatform } from '../engine/define-platform.js';
import { FULL_REDIRECT_URI } from '../platform-guide.js';

/*
 * Douyin Open Platform (抖音开放平台), website apps. Documents:
 * - AUTHORIZE: https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/douyin-get-permission-code/
 * - TOKEN: https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/get-access-token
 * - REFRESH: https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/refresh-access-token
 * - USERINFO: https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/get-account-open-info
 * Answers are `{data: {...}, message}` with HTTP 200 even for refusals: `data.error_code != 0`
 * (a number in one answer, a string in another: compared by value), and `err_no != 0` on userinfo.
 */
export const douyin = definePlatform({
  type: 'douyin',
  name: 'Douyin',
  endpoints: {
    authorization: 'https://open.douyin.com/platform/oauth/connect/',
    token: 'https://open.douyin.com/oauth/access_token/',
    refresh: 'yes',
    userinfo: 'https://open.douyin.com/oauth/userinfo/',
  },
  // AUTHORIZE: comma-separated.
  scope: 'user_info',
  guide: {
    title: 'Douyin',
    ids: '`open_id` / `union_id`',
    refresh: 'yes',
    revocation: 'no',
    console: 'developer.open-douyin.com',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: 'a public https origin (https only)',
  },
  config: { clientSecret },
  authorization: {
    params: ({ config, redirectUri, state }) => ({ client_key: config.clientId, response_type: 'code', scope: config.scope, redirect_uri: redirectUri, state }),
  },
  // TOKEN: form-encoded, "并非json，而是form".
  token: {
    method: 'POST',
    form: ({ config, code }) => ({ client_key: config.clientId, client_secret: config.clientSecret, code, grant_type: 'authorization_code' }),
    envelope: 'data',
  },
  // REFRESH: no secret; a new access token, the refresh token unchanged (its own renewal is another permission).
  refresh: {
    method: 'POST',
    form: ({ config, tokens }) => ({ client_key: config.clientId, grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    envelope: 'data',
  },
  // USERINFO: the header table says JSON, the curl example sends a form (UNCONFIRMED): the example's form is used.
  userinfo: {
    method: 'POST',
    form: ({ tokens, subject }) => ({ access_token: tokens.access_token, open_id: subject }),
    envelope: 'data',
  },
  refusals: [
    { path: 'data.error_code', ok: [0] },
    { path: 'err_no', ok: [0] },
  ],
  // The token answer names the open_id; userinfo adds the union_id (absent when the app is not bound to a developer account).
  user: { idFrom: 'userinfo', id: ['open_id'], unionId: ['union_id'], name: ['nickname'], avatarUrl: ['avatar'] },
  // TOKEN's error table: 10008 an invalid code, 10013 a wrong client_key or client_secret (UNCONFIRMED against live answers: only recognized).
  registration: { console: 'https://developer.open-douyin.com/console', tokenProbe: { path: 'data.error_code', invalidCode: [10008], badClient: [10013] } },
});
