/**
 * Sina Weibo on the platform emulator, answering as Weibo's documents say:
 * - https://open.weibo.com/wiki/Oauth2/authorize and https://open.weibo.com/wiki/Oauth2/access_token
 * - https://open.weibo.com/wiki/2/users/show, https://open.weibo.com/wiki/Oauth2/revokeoauth2
 * - https://open.weibo.com/wiki/Error_code
 * Token requests carry their parameters in the query of a POST; errors are HTTP 400
 * `{error, error_code, request}`; the profile's `id` is a JSON number beside its string `idstr`.
 */
import { randomBytes } from 'node:crypto';
import type { Outage } from './emulator-server.js';
import { authorizeRoute, startPlatformEmulator, type Answer, type PlatformEmulator, type Authorize } from './platform-emulator.js';

export interface WeiboBehavior extends Record<string, string> {
  authorize: Authorize;
  /** 'invalid-grant': 21325. */
  token: 'ok' | 'invalid-grant' | Outage;
  /** 'invalid-token': 21332. */
  userinfo: 'ok' | 'invalid-token' | Outage;
  revoke: 'ok' | Outage;
}

/** Weibo's token answer names the user as `uid`, its profile as `idstr` (and `uid` where it has one). */
export interface WeiboProfileIds {
  idstr?: string;
  uid?: string | number;
}

export interface WeiboUser {
  /** The user id, as Weibo spells it; beyond 2^53 on purpose, so a rounded number shows. */
  idstr: string;
  screen_name: string;
  avatar_hd: string;
  /** The ids the profile names instead of `idstr`, where a test makes it a hostile answer about someone else (`uid` beside `idstr`). */
  profileIds: WeiboProfileIds | undefined;
}

export type WeiboEmulator = PlatformEmulator<WeiboBehavior, WeiboUser>;

export const WEIBO_PATHS = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/access_token',
  userinfo: '/2/users/show.json',
  revocation: '/oauth2/revokeoauth2',
};

const weiboError = (request: string, error: string, errorCode: number, description: string): Answer => ({
  status: 400,
  body: { error, error_code: errorCode, request, error_uri: request, error_description: description },
});

export function startWeiboEmulator(): Promise<WeiboEmulator> {
  return startPlatformEmulator<WeiboBehavior, WeiboUser>({
    name: 'Weibo',
    behavior: { authorize: 'approve', token: 'ok', userinfo: 'ok', revoke: 'ok' },
    user: () => ({ idstr: '6543210987654321987', screen_name: '微博用户', avatar_hd: 'https://tvax1.sinaimg.cn/crop.0.0.996.996.1024/abc.jpg', profileIds: undefined }),
    clientId: () => String(1000000000 + randomBytes(3).readUIntBE(0, 3)),
    tokens: { code: '', access: '2.00', refresh: '', encoding: 'hex' },
    expiresIn: 157679999,
    contentType: 'application/json;charset=UTF-8',
    notFound: { status: 404, body: { error: 'not found', error_code: 10021, request: '/' } },
    routes: (weibo) => ({
      [`GET ${WEIBO_PATHS.authorization}`]: authorizeRoute<WeiboBehavior>(weibo, {
        valid: (query) => query.client_id === weibo.clientId,
        invalid: { status: 400, type: 'text/html; charset=utf-8', body: '<html><body>redirect_uri_mismatch</body></html>' },
        deny: (back) => {
          back.searchParams.set('error', 'access_denied');
          back.searchParams.set('error_code', '21330');
          back.searchParams.set('error_description', 'user denied');
        },
      }),
      [`POST ${WEIBO_PATHS.token}`]: {
        behavior: 'token',
        handle: ({ query }, now) => {
          if (query.client_id !== weibo.clientId || query.client_secret !== weibo.clientSecret) {
            return weiboError(WEIBO_PATHS.token, 'invalid_client', 21324, 'client authenticate failed');
          }
          const redeemed = weibo.grants.redeem(query.code, { redirectUri: query.redirect_uri });
          if (redeemed === 'redirect_uri') return weiboError(WEIBO_PATHS.token, 'redirect_uri_mismatch', 21322, 'redirect_uri mismatch');
          if (now === 'invalid-grant' || typeof redeemed === 'string') return weiboError(WEIBO_PATHS.token, 'invalid_grant', 21325, 'invalid authorization code');
          const { accessToken } = weibo.grants.tokens(redeemed.scope);
          return { body: { access_token: accessToken, expires_in: weibo.expiresIn, remind_in: String(weibo.expiresIn), uid: weibo.user.idstr, isRealName: 'true' } };
        },
      },
      [`GET ${WEIBO_PATHS.userinfo}`]: {
        behavior: 'userinfo',
        handle: ({ query }, now) => {
          if (now === 'invalid-token' || weibo.grants.scopeOf(query.access_token) === undefined) {
            return weiboError(WEIBO_PATHS.userinfo, 'invalid_access_token', 21332, 'invalid_access_token');
          }
          if (query.uid !== weibo.user.idstr) return weiboError(WEIBO_PATHS.userinfo, 'User does not exists!', 20003, '');
          const { idstr, screen_name, avatar_hd, profileIds = { idstr } } = weibo.user;
          const profile = { ...profileIds, screen_name, name: screen_name, avatar_hd, avatar_large: avatar_hd, profile_image_url: avatar_hd, gender: 'n' };
          // `id` as the raw JSON number, as Weibo writes it.
          return { body: `{"id":${idstr},${JSON.stringify(profile).slice(1)}` };
        },
      },
      [`POST ${WEIBO_PATHS.revocation}`]: {
        behavior: 'revoke',
        handle: ({ query }) => ({ body: { result: String(weibo.grants.revoke(query.access_token)) } }),
      },
    }),
  });
}
