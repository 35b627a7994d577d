import { definePlatform } from '../engine/define-platform.js';
import type { PlatformEntry } from '../engine/platform-spec.js';
import { GATEWAY_SUCCESS, keyProblems, readSignedAnswer, rsaKeys, signRequest } from '../families/alipay-rsa2.js';
import { FULL_REDIRECT_URI } from '../platform-guide.js';

/*
 * Alipay (支付宝) website login: user authorization, then two calls through the gateway,
 * each RSA2-signed with the app's private key, each answer verified with Alipay's public
 * key (alipay-rsa2.ts). `clientId` is the app_id; there is no client secret. Documents:
 * - AUTHORIZE: https://opendocs.alipay.com/open/289/105656 and https://opendocs.alipay.com/open/284/web
 * - OAUTH_TOKEN: https://opendocs.alipay.com/apis/api_9/alipay.system.oauth.token
 * - USER_INFO: https://opendocs.alipay.com/apis/api_2/alipay.user.info.share
 * - ERRORS: https://opendocs.alipay.com/common/02km9f (public codes: 10000 success, 20000 service unavailable)
 * Every answer is HTTP 200, refusals included (`{code, msg, sub_code, sub_msg}` in the wrapper).
 * No PKCE, no revocation.
 */

/** `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8), as the gateway's `timestamp` wants it. */
const beijingTime = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

/** The gateway's public parameters; the official SDK sends them in the query and the business ones as a form. */
const gateway = (method: string) => ({ config }: { config: PlatformEntry }) => ({
  app_id: config.clientId,
  method,
  format: 'JSON',
  charset: 'utf-8',
  sign_type: 'RSA2',
  timestamp: beijingTime(),
  version: '1.0',
});

export const alipay = definePlatform({
  type: 'alipay',
  name: 'Alipay',
  // USER_INFO goes to the token call's gateway unless `endpoints.userinfo` says otherwise.
  endpoints: { authorization: 'https://openauth.alipay.com/oauth2/publicAppAuthorize.htm', token: 'https://openapi.alipay.com/gateway.do' },
  scope: 'auth_user',
  // localhost and 127.0.0.1 redirect URIs are not accepted: UNCONFIRMED by Alipay's documents (JustAuth's
  // AuthAlipayRequest refuses them, https://github.com/justauth/JustAuth), so the guide says so.
  guide: {
    title: 'Alipay',
    ids: '`open_id`, else `user_id`',
    refresh: 'yes',
    revocation: 'no',
    console: 'open.alipay.com (授权回调地址)',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: 'a public https origin (Alipay refuses localhost and 127.0.0.1)',
  },
  config: rsaKeys,
  // AUTHORIZE: the code comes back as `auth_code` (with app_id, source and scope).
  callback: { code: 'auth_code' },
  authorization: { params: ({ config, redirectUri, state }) => ({ app_id: config.clientId, scope: config.scope, redirect_uri: redirectUri, state }) },
  // OAUTH_TOKEN: the business parameters are top-level, no biz_content.
  token: { method: 'POST', query: gateway('alipay.system.oauth.token'), form: ({ code }) => ({ grant_type: 'authorization_code', code }) },
  // OAUTH_TOKEN: whether the refresh token rotates is not documented (UNCONFIRMED): the answer's is stored.
  refresh: { method: 'POST', query: gateway('alipay.system.oauth.token'), form: ({ tokens }) => ({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }) },
  userinfo: {
    method: 'POST',
    endpoint: ['userinfo', 'token'],
    query: (context) => ({ ...gateway('alipay.user.info.share')(context), auth_token: context.tokens.access_token }),
  },
  refusals: [{ path: 'code', ok: [GATEWAY_SUCCESS], busy: ['20000'] }],
  // The token answer names the user: `open_id` (per app, the default for new apps) or `user_id` (2088..., per Alipay user), as the app is configured.
  user: { idFrom: 'token', id: ['open_id', 'user_id'], name: ['nick_name'], avatarUrl: ['avatar'] },
  hooks: { sign: signRequest, readAnswer: readSignedAnswer },
  // ERRORS: `isv.code-invalid` is OAUTH_TOKEN's bad code; `isv.invalid-app-id` and `isv.invalid-signature`
  // are from the public error list (ERRORS) and not checked against live answers: only recognized.
  registration: {
    console: 'https://open.alipay.com/develop/manage',
    tokenProbe: { path: 'sub_code', invalidCode: ['isv.code-invalid'], unknownApp: ['isv.invalid-app-id'], badSignature: ['isv.invalid-signature'] },
    checkEntry: keyProblems,
  },
});
