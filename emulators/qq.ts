/**
 * QQ Connect (graph.qq.com) on the platform emulator, answering as QQ's documents say:
 * - https://wiki.connect.qq.com/使用authorization_code获取access_token
 * - https://wiki.connect.qq.com/获取用户openid_oauth2-0 and https://wiki.connect.qq.com/unionid介绍
 * - https://wiki.connect.qq.com/get_user_info
 * Everything is HTTP 200: the token answer urlencoded unless `fmt=json`, /me JSONP unless
 * `fmt=json`, OAuth errors always JSONP, get_user_info `{ret, msg}`. Refresh tokens are single use.
 * QQ documents no denial redirect (the window closes); this one comes back without a code.
 */
import { randomBytes } from 'node:crypto';
import type { Outage } from './emulator-server.js';
import { authorizeRoute, startPlatformEmulator, type Answer, type PlatformEmulator, type TokenPair, type Authorize } from './platform-emulator.js';

export interface QqBehavior extends Record<string, string> {
  authorize: Authorize;
  /** 'reused': error 100020. */
  token: 'ok' | 'reused' | Outage;
  /** 'legacy': answers as if `fmt=json` were not sent: an urlencoded token answer, JSONP from /me. */
  format: 'fmt' | 'legacy';
  /** 'unclosed-jsonp': `callback(`, 4 kB of spaces and no end: the answer that froze a backtracking JSONP parser for 7 s. */
  me: 'ok' | 'check-failed' | 'unclosed-jsonp' | Outage;
  userinfo: 'ok' | 'refused' | Outage;
  refresh: 'ok' | 'revoked' | Outage;
}

export interface QqUser {
  openid: string;
  unionid: string;
  nickname: string;
  figureurl_qq_1: string;
  figureurl_qq_2: string;
}

export type QqEmulator = PlatformEmulator<QqBehavior, QqUser>;

export const QQ_PATHS = { authorization: '/oauth2.0/authorize', token: '/oauth2.0/token', identity: '/oauth2.0/me', userinfo: '/user/get_user_info' };

const jsonp = (value: object): Answer => ({ body: `callback( ${JSON.stringify(value)} );\n` });
const oauthError = (error: number, description: string) => jsonp({ error, error_description: description });

export function startQqEmulator(): Promise<QqEmulator> {
  return startPlatformEmulator<QqBehavior, QqUser>({
    name: 'QQ',
    behavior: { authorize: 'approve', token: 'ok', format: 'fmt', me: 'ok', userinfo: 'ok', refresh: 'ok' },
    user: () => ({
      openid: '4E5B1C0A9D2F3E4B5C6D7E8F9A0B1C2D',
      unionid: 'UID_8A1F0C2E4B6D8F0A1C3E5B7D9F1A3C5E',
      nickname: 'QQ用户',
      figureurl_qq_1: 'http://thirdqq.qlogo.cn/g?b=oidb&k=abc&s=40',
      figureurl_qq_2: 'http://thirdqq.qlogo.cn/g?b=oidb&k=abc&s=100',
    }),
    clientId: () => String(100000000 + randomBytes(3).readUIntBE(0, 3)),
    tokens: { code: '', access: '', refresh: '', encoding: 'hex' },
    expiresIn: 7776000,
    // Not documented; graph.qq.com serves these answers as text/html.
    contentType: 'text/html; charset=utf-8',
    notFound: { status: 404, body: '<html><body>404</body></html>' },
    routes: (qq) => {
      const asJson = (query: Record<string, string>, { format }: QqBehavior) => query.fmt === 'json' && format === 'fmt';
      const tokenAnswer = (tokens: TokenPair, json: boolean): Answer => {
        const fields = { access_token: tokens.accessToken, expires_in: String(qq.expiresIn), refresh_token: tokens.refreshToken };
        return json ? { body: fields } : { body: new URLSearchParams(fields).toString() };
      };
      /** Single use: the answer's refresh token replaces it (TOKEN, 仅一次有效). */
      const refresh = (query: Record<string, string>, behavior: QqBehavior): Answer => {
        if (!clientOk(query)) return oauthError(100016, 'client check failed');
        const refreshed = behavior.refresh === 'revoked' ? undefined : qq.grants.refresh(query.refresh_token, true);
        return refreshed ? tokenAnswer(refreshed, asJson(query, behavior)) : oauthError(100015, 'access token revoked');
      };
      const clientOk = (params: Record<string, string>) => params.client_id === qq.clientId && params.client_secret === qq.clientSecret;
      return {
        [`GET ${QQ_PATHS.authorization}`]: authorizeRoute<QqBehavior>(qq, {
          valid: (query) => query.client_id === qq.clientId && query.response_type === 'code' && Boolean(query.state),
          invalid: { body: '<html><body>100010: 缺少参数或参数错误</body></html>' },
          deny: () => {},
        }),
        [`GET ${QQ_PATHS.token}`]: {
          behavior: 'token',
          handle: ({ query }, now, behavior) => {
            if (query.grant_type === 'refresh_token') return refresh(query, behavior);
            if (!clientOk(query)) return oauthError(100016, 'client check failed');
            const redeemed = qq.grants.redeem(query.code, { redirectUri: query.redirect_uri });
            if (now === 'reused' || redeemed === 'used') return oauthError(100020, 'code is reused error');
            if (redeemed === 'redirect_uri') return oauthError(100010, 'redirect uri is illegal');
            if (typeof redeemed === 'string') return oauthError(100019, 'code to access token error');
            return tokenAnswer(qq.grants.tokens(redeemed.scope), asJson(query, behavior));
          },
        },
        [`GET ${QQ_PATHS.identity}`]: {
          behavior: 'me',
          handle: ({ query }, now, behavior) => {
            if (now === 'unclosed-jsonp') return { body: `callback(${' '.repeat(4096)}x` };
            if (now === 'check-failed' || qq.grants.scopeOf(query.access_token) === undefined) return oauthError(100016, 'access token check failed');
            const me = { client_id: qq.clientId, openid: qq.user.openid, ...(query.unionid === '1' ? { unionid: qq.user.unionid } : {}) };
            return asJson(query, behavior) ? { body: me } : jsonp(me);
          },
        },
        [`GET ${QQ_PATHS.userinfo}`]: {
          behavior: 'userinfo',
          handle: ({ query }, now) => {
            const valid = qq.grants.scopeOf(query.access_token) !== undefined && query.oauth_consumer_key === qq.clientId && query.openid === qq.user.openid;
            if (now === 'refused' || !valid) return { body: { ret: 100013, msg: 'access token is invalid' } };
            const { openid: _openid, unionid: _unionid, ...profile } = qq.user;
            return { body: { ret: 0, msg: '', is_lost: 0, ...profile, figureurl: '', gender: '男', gender_type: 1 } };
          },
        },
      };
    },
  });
}
