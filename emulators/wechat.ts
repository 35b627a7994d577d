/**
 * WeChat website login (网站应用微信登录) and Official Account web authorization
 * (公众号网页授权) on the platform emulator, answering as their documents say:
 * - https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html
 * - https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Authorized_Interface_Calling_UnionID.html
 * - https://developers.weixin.qq.com/doc/oplatform/Return_codes/Return_code_descriptions_new.html
 * - https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 * - https://developers.weixin.qq.com/doc/service/guide/h5/auth.html (snapshot users, snsapi_base)
 * Refusals are HTTP 200 `{errcode, errmsg}`; the token endpoint serves its JSON as
 * text/plain (https://github.com/panva/oauth4webapi/pull/155). /connect/qrconnect
 * shows no QR code: it approves at once (or denies, redirecting back with only `state`).
 * The embedded QR (`login_type=jssdk`, as wxLogin.js builds its iframe:
 * https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html,
 * step 2 "在网站内嵌入二维码") is a page to show in an iframe, whose "scan" button stands for the phone: it
 * sends the top window (`self_redirect=false`) or the frame itself (`true`) to the callback.
 */
import { randomBytes } from 'node:crypto';
import { escapeHtml, type Outage } from './emulator-server.js';
import { emulatorBanner } from './emulator-pages.js';
import { authorizeRoute, startPlatformEmulator, type Answer, type PlatformEmulator, type Authorize } from './platform-emulator.js';

export interface WeChatBehavior extends Record<string, string> {
  authorize: Authorize;
  /** 'errcode': 40029 invalid code; 'busy': errcode -1; 'snapshot': a virtual user of an official account's snapshot page. */
  token: 'ok' | 'errcode' | 'busy' | 'snapshot' | Outage;
  /** 'errcode': 40001 invalid credential; 'openid-mismatch': another user's profile. */
  userinfo: 'ok' | 'errcode' | 'openid-mismatch' | Outage;
  /** 'errcode': 42002 refresh_token expired. */
  refresh: 'ok' | 'errcode' | Outage;
}

export interface WeChatUser {
  openid: string;
  unionid: string;
  nickname: string;
  headimgurl: string;
}

export interface WeChatEmulator extends PlatformEmulator<WeChatBehavior, WeChatUser> {
  appId: string;
  appSecret: string;
}

export const WECHAT_PATHS = {
  authorization: '/connect/qrconnect',
  /** The official accounts' authorization page, on the same emulator. */
  officialAccountAuthorization: '/connect/oauth2/authorize',
  token: '/sns/oauth2/access_token',
  refresh: '/sns/oauth2/refresh_token',
  userinfo: '/sns/userinfo',
};

/** WeChat matches the link against a strict pattern: these parameters in this order (Wechat_webpage_authorization.html). */
const AUTHORIZATION_PARAMS = ['appid', 'redirect_uri', 'response_type', 'scope', 'state'];
/** The embedded QR page's "scan": the emulator's own (WeChat learns of a scan from the phone); not an endpoint of the BFF's. */
export const WECHAT_SCAN_PATH = '/connect/qrconnect/scan';

/** The embedded QR page's link: wxLogin.js's parameters in its order (the guide above, and res.wx.qq.com/connect/zh_CN/htmledition/js/wxLogin.js). */
const EMBEDDED_PARAMS = ['appid', 'scope', 'redirect_uri', 'state', 'login_type', 'self_redirect'];
/** Bad parameters show this page instead of a QR code (Wechat_Login.html). */
const INVALID_LINK: Answer = { type: 'text/html; charset=utf-8', body: '<html><body><p>该链接无法访问</p></body></html>' };

/** The QR page in the iframe: a stand-in QR code and the "scan" button, a form to the scan route carrying the link's parameters. */
function embeddedQrPage(query: Record<string, string>): Answer {
  const target = query.self_redirect === 'true' ? '_self' : '_top';
  const fields = Object.entries(query).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  const body = `<!doctype html><html lang="${query.lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8"><title>WeChat login (emulator)</title></head>
<body data-style="${escapeHtml(query.style ?? 'black')}">${emulatorBanner('WeChat')}<div role="img" aria-label="QR code">▦▦▦</div>
<form method="get" action="${WECHAT_SCAN_PATH}" target="${target}">${fields.join('')}<button>scan</button></form></body></html>`;
  return { type: 'text/html; charset=utf-8', body };
}

/** Userinfo answers with the content-type its documents' host sends for JSON; the token endpoint with text/plain. */
const USERINFO_CONTENT_TYPE = 'application/json; encoding=utf-8';

const defaultUser = (): WeChatUser => ({
  openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
  unionid: 'o6_bmasdasdsad6_2sgVt7hMZOPfL',
  nickname: '微信用户',
  // WeChat often answers avatars over http, though the same host serves https.
  headimgurl: 'http://thirdwx.qlogo.cn/mmopen/g3MonUZtNHkdmzicIlibx6iaFqAc56vxLSUfpb6n5WKSYVY0ChQKkiaJSgQ1dZuTOgvLLrhJbERQQ4eMsv84eavHiaiceqxibJxCfHe/132',
});

/** `errmsg` ends with a request id, so it can never be compared as a string. */
export const errcode = (code: number, message: string, type?: string): Answer => ({
  type,
  body: { errcode: code, errmsg: `${message}, rid: ${randomBytes(6).toString('hex')}` },
});

export async function startWeChatEmulator(): Promise<WeChatEmulator> {
  const emulator = await startPlatformEmulator<WeChatBehavior, WeChatUser>({
    name: 'WeChat',
    behavior: { authorize: 'approve', token: 'ok', userinfo: 'ok', refresh: 'ok' },
    user: defaultUser,
    clientId: () => `wx${randomBytes(8).toString('hex')}`,
    tokens: { code: '0', access: 'ACCESS_', refresh: 'REFRESH_', encoding: 'base64url' },
    expiresIn: 7200,
    contentType: 'text/plain',
    notFound: { status: 404, body: 'Not Found' },
    routes: (wechat) => {
      const authorize = (scopes: string[]) =>
        authorizeRoute<WeChatBehavior>(wechat, {
          valid: (query) =>
            Object.keys(query).filter((name) => AUTHORIZATION_PARAMS.includes(name)).join() === AUTHORIZATION_PARAMS.join() &&
            query.appid === wechat.clientId &&
            query.response_type === 'code' &&
            scopes.includes(query.scope ?? '') &&
            /^[A-Za-z0-9]{0,128}$/.test(query.state ?? ''),
          invalid: INVALID_LINK,
          deny: () => {},
        });
      const embeddedLink = (query: Record<string, string>) =>
        Object.keys(query).filter((name) => EMBEDDED_PARAMS.includes(name)).join() === EMBEDDED_PARAMS.join() &&
        query.appid === wechat.clientId &&
        query.scope === 'snsapi_login' &&
        query.login_type === 'jssdk' &&
        ['true', 'false'].includes(query.self_redirect ?? '') &&
        /^[A-Za-z0-9]{0,128}$/.test(query.state ?? '') &&
        URL.canParse(query.redirect_uri ?? '');
      const redirectLogin = authorize(['snsapi_login']);
      return {
        [`GET ${WECHAT_PATHS.authorization}`]: {
          behavior: 'authorize',
          handle: (request, now, all) => {
            if (request.query.login_type !== 'jssdk') return redirectLogin.handle(request, now, all);
            return embeddedLink(request.query) ? embeddedQrPage(request.query) : INVALID_LINK;
          },
        },
        [`GET ${WECHAT_SCAN_PATH}`]: authorizeRoute<WeChatBehavior>(wechat, { valid: embeddedLink, invalid: INVALID_LINK, deny: () => {} }),
        [`GET ${WECHAT_PATHS.officialAccountAuthorization}`]: authorize(['snsapi_userinfo', 'snsapi_base']),
        [`GET ${WECHAT_PATHS.token}`]: {
          behavior: 'token',
          handle: ({ query }, now) => {
            if (now === 'errcode') return errcode(40029, 'invalid code');
            if (now === 'busy') return errcode(-1, 'system error');
            if (query.appid !== wechat.clientId) return errcode(40013, 'invalid appid');
            if (query.secret !== wechat.clientSecret) return errcode(40125, 'invalid appsecret');
            if (query.grant_type !== 'authorization_code') return errcode(40002, 'invalid grant_type');
            const redeemed = wechat.grants.redeem(query.code);
            if (redeemed === 'used') return errcode(40163, 'code been used');
            if (typeof redeemed === 'string') return errcode(40029, 'invalid code');
            const { scope } = redeemed;
            const { accessToken, refreshToken } = wechat.grants.tokens(scope);
            const answer = { access_token: accessToken, expires_in: wechat.expiresIn, refresh_token: refreshToken, openid: wechat.user.openid, scope };
            if (now === 'snapshot') return { body: { ...answer, openid: 'oVirtualSnapshotUser0000000', is_snapshotuser: 1 } };
            // The unionid comes with the profile scopes only.
            return { body: scope === 'snsapi_base' ? answer : { ...answer, unionid: wechat.user.unionid } };
          },
        },
        // No secret here (snsRefreshToken); whether the refresh token rotates is not documented: this one keeps it.
        [`GET ${WECHAT_PATHS.refresh}`]: {
          behavior: 'refresh',
          handle: ({ query }, now) => {
            if (query.appid !== wechat.clientId) return errcode(40013, 'invalid appid');
            if (query.grant_type !== 'refresh_token') return errcode(40002, 'invalid grant_type');
            const refreshed = now === 'errcode' ? undefined : wechat.grants.refresh(query.refresh_token, false);
            if (!refreshed) return errcode(42002, 'refresh_token expired');
            const body = { access_token: refreshed.accessToken, expires_in: wechat.expiresIn, refresh_token: refreshed.refreshToken, openid: wechat.user.openid };
            return { body: { ...body, scope: wechat.grants.scopeOf(refreshed.accessToken) } };
          },
        },
        [`GET ${WECHAT_PATHS.userinfo}`]: {
          behavior: 'userinfo',
          handle: ({ query }, now) => {
            const invalidToken = errcode(40001, 'invalid credential, access_token is invalid or not latest', USERINFO_CONTENT_TYPE);
            const scope = wechat.grants.scopeOf(query.access_token);
            if (now === 'errcode' || scope === undefined) return invalidToken;
            if (scope === 'snsapi_base') return errcode(48001, 'api unauthorized', USERINFO_CONTENT_TYPE);
            if (query.openid !== wechat.user.openid) return errcode(40003, 'invalid openid', USERINFO_CONTENT_TYPE);
            const profile = { ...wechat.user, sex: 0, province: '', city: '', country: '', privilege: [] };
            if (now === 'openid-mismatch') Object.assign(profile, { openid: 'oSomeoneElse', nickname: '别人' });
            return { type: USERINFO_CONTENT_TYPE, body: profile };
          },
        },
      };
    },
  });
  return Object.assign(emulator, { appId: emulator.clientId, appSecret: emulator.clientSecret });
}
