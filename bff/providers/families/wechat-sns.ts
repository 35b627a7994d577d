import { z } from 'zod';
import { clientSecret } from '../config-fields.js';
import type { PlatformSpec } from '../engine/platform-spec.js';
import type { TokenProbe } from '../registration.js';

/*
 * What WeChat's website login (wechat.ts) and official-account web authorization
 * (wechat-mp.ts) share: the sns API on api.weixin.qq.com. Documents:
 * - TOKEN: https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsaccesstoken
 * - REFRESH: https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsrefreshtoken
 * - USERINFO: https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsuserinfo
 * - RETURN_CODES: https://developers.weixin.qq.com/doc/oplatform/Return_codes/Return_code_descriptions_new.html
 * - WEB_AUTHORIZATION: https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 *
 * Every answer is HTTP 200, refusals included (`{errcode, errmsg}`), JSON served as
 * text/plain; the token answer names the user (`openid` for this app, `unionid` across
 * the developer's apps). The token URL holds the app secret in its query.
 */

const config = {
  clientSecret,
  /** The language of the profile's country, province and city (USERINFO `lang`). */
  lang: z.enum(['zh_CN', 'zh_TW', 'en']).default('zh_CN'),
};

type Sns = Pick<PlatformSpec<typeof config>, 'config' | 'authorization' | 'token' | 'refresh' | 'userinfo' | 'refusals' | 'user' | 'httpsAvatarHosts'>;

/**
 * RETURN_CODES, for bff-auth doctor: the token endpoint checks the appid, then the secret, then
 * the code, so 40029 proves all three but the code. 40164 (caller IP not on the allowlist) is
 * listed for the cgi-bin APIs; whether sns answers it is UNCONFIRMED, so it is only recognized.
 */
export const WECHAT_TOKEN_PROBE: TokenProbe = {
  path: 'errcode',
  invalidCode: [40029, 40163, 42003],
  unknownApp: [40013],
  wrongSecret: [40125],
  ipNotAllowed: [40164],
};

export const WECHAT_SNS_ENDPOINTS = {
  token: 'https://api.weixin.qq.com/sns/oauth2/access_token',
  refresh: 'https://api.weixin.qq.com/sns/oauth2/refresh_token',
  userinfo: 'https://api.weixin.qq.com/sns/userinfo',
};

export const wechatSns: Sns = {
  config,
  /**
   * The parameters in the documented order with the `#wechat_redirect` fragment: WeChat
   * matches authorization links against a strict pattern and shows "该链接无法访问" for
   * another order (WEB_AUTHORIZATION, 参数顺序). WeChat has no PKCE and no nonce, so nothing
   * binds a code to the login that asked for it: a leaked code (from a log, a Referer, a
   * shared screen) signs in whoever redeems it first through this BFF, with the state of
   * any login they started themselves. The app secret does not help: the BFF holds it and
   * uses it for every code it is given. `state` and the single-use transaction cookie only
   * stop a code from being pushed into someone else's browser.
   */
  authorization: {
    params: ({ config, redirectUri, state }) => ({ appid: config.clientId, redirect_uri: redirectUri, response_type: 'code', scope: config.scope, state }),
    fragment: 'wechat_redirect',
  },
  /** TOKEN: a GET with the app id and secret in the query; no redirect_uri, no code_verifier. */
  token: {
    method: 'GET',
    query: ({ config, code }) => ({ appid: config.clientId, secret: config.clientSecret, code, grant_type: 'authorization_code' }),
  },
  /**
   * REFRESH: no secret; the refresh token lives 30 days. Whether it rotates is not
   * documented (UNCONFIRMED): the answer's refresh_token is stored whatever it is.
   */
  refresh: {
    method: 'GET',
    query: ({ config, tokens }) => ({ appid: config.clientId, grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
  },
  userinfo: {
    method: 'GET',
    query: ({ config, tokens, subject }) => ({ access_token: tokens.access_token, openid: subject, lang: config.lang }),
  },
  /** RETURN_CODES: -1 is "系统繁忙,此时请开发者稍候再试" (busy, try later). */
  refusals: [{ path: 'errcode', ok: [0], busy: [-1] }],
  user: { idFrom: 'token', id: ['openid'], unionId: ['unionid'], name: ['nickname'], avatarUrl: ['headimgurl'] },
  // USERINFO answers `http://thirdwx.qlogo.cn/...` avatars; the same host serves them over https.
  httpsAvatarHosts: ['qlogo.cn'],
};
