import { z } from 'zod';
import { clientSecret } from '../config-fields.js';
import { definePlatform } from '../engine/define-platform.js';
import { FULL_REDIRECT_URI, LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * QQ Connect (QQ互联, graph.qq.com). Documents:
 * - TOKEN: https://wiki.connect.qq.com/使用authorization_code获取access_token
 * - ME: https://wiki.connect.qq.com/获取用户openid_oauth2-0
 * - UNIONID: https://wiki.connect.qq.com/unionid介绍
 * - USER_INFO: https://wiki.connect.qq.com/get_user_info
 * - ERRORS: https://wiki.connect.qq.com/公共返回码说明
 * Every answer is HTTP 200. Asked for `fmt=json`, success is JSON; without it the token
 * answer is urlencoded text and /me JSONP, and errors are JSONP `callback( {"error": N} );`
 * even with it (whether `fmt=json` changes errors is UNCONFIRMED): all three forms are read.
 */
const credentials = ({ config }: { config: { clientId: string; clientSecret: string } }) => ({ client_id: config.clientId, client_secret: config.clientSecret });

export const qq = definePlatform({
  type: 'qq',
  name: 'QQ',
  endpoints: {
    authorization: 'https://graph.qq.com/oauth2.0/authorize',
    token: 'https://graph.qq.com/oauth2.0/token',
    identity: 'https://graph.qq.com/oauth2.0/me',
    userinfo: 'https://graph.qq.com/user/get_user_info',
  },
  scope: 'get_user_info',
  guide: {
    title: 'QQ',
    ids: '`openid` / `unionid` with `"unionId": true`',
    refresh: 'yes (single-use refresh tokens)',
    revocation: 'no',
    console: 'connect.qq.com',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: LOCAL_DEVELOPMENT.undocumented,
  },
  config: {
    clientSecret,
    /** UNIONID: ask /me for the unionid too (the app needs the unionid permission, else error 100048). */
    unionId: z.boolean().default(false),
  },
  authorization: {
    // TOKEN, Step1: `state` is required; no PKCE.
    params: ({ config, redirectUri, state }) => ({ response_type: 'code', client_id: config.clientId, redirect_uri: redirectUri, state, scope: config.scope }),
  },
  token: {
    method: 'GET',
    query: (context) => ({ grant_type: 'authorization_code', ...credentials(context), code: context.code, redirect_uri: context.redirectUri, fmt: 'json' }),
  },
  // TOKEN, refresh: the refresh token is valid once only (仅一次有效), so each answer's new one is kept.
  refresh: {
    method: 'GET',
    query: (context) => ({ grant_type: 'refresh_token', ...credentials(context), refresh_token: context.tokens.refresh_token, fmt: 'json' }),
  },
  identity: {
    method: 'GET',
    query: ({ config, tokens }) => ({ access_token: tokens.access_token, unionid: config.unionId ? '1' : undefined, fmt: 'json' }),
  },
  userinfo: {
    method: 'GET',
    query: ({ config, tokens, subject }) => ({ access_token: tokens.access_token, oauth_consumer_key: config.clientId, openid: subject }),
  },
  answers: ['json', 'jsonp', 'urlencoded'],
  // `error` on the OAuth endpoints, `ret != 0` on the user API (USER_INFO).
  refusals: [{ path: 'error' }, { path: 'ret', ok: [0] }],
  // USER_INFO: figureurl_qq_2 (100px) may be missing; figureurl_qq_1 (40px) is always there. Avatars come as http://.
  user: { idFrom: 'identity', id: ['openid'], unionId: ['unionid'], name: ['nickname'], avatarUrl: ['figureurl_qq_2', 'figureurl_qq_1'] },
  httpsAvatarHosts: ['qlogo.cn'],
  // TOKEN and ERRORS: 100019 a code that cannot be redeemed, 100020 one used,
  // 100010 a redirect_uri not registered, 100016 a client check that failed. Which code a wrong
  // app id and a wrong key each get is UNCONFIRMED: both are read as a bad client.
  registration: {
    console: 'https://connect.qq.com/manage.html',
    tokenProbe: { path: 'error', invalidCode: [100019, 100020], badClient: [100016], redirectMismatch: [100010] },
  },
});
