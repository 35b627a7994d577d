/**
 * An emulator of WeChat website login (网站应用微信登录), answering as its documents say:
 * - https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html
 * - https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Authorized_Interface_Calling_UnionID.html
 * - https://developers.weixin.qq.com/doc/oplatform/Return_codes/Return_code_descriptions_new.html
 * - https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 * Refusals are HTTP 200 `{errcode, errmsg}`; the token endpoint serves its JSON as
 * text/plain (https://github.com/panva/oauth4webapi/pull/155). /connect/qrconnect
 * shows no QR code: it approves at once (or denies, redirecting back with only `state`).
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { fail, redirect, send, startEmulatorServer, type EmulatorServer, type Outage, type RecordedRequest } from './emulator-server.js';
import { switchable, type Switchable } from '../switchable.js';

export interface WeChatBehavior {
  authorize: 'approve' | 'deny';
  /** 'errcode': 40029 invalid code; 'busy': errcode -1. */
  token: 'ok' | 'errcode' | 'busy' | Outage;
  /** 'errcode': 40001 invalid credential; 'openid-mismatch': another user's profile. */
  userinfo: 'ok' | 'errcode' | 'openid-mismatch' | Outage;
}

export interface WeChatUser {
  openid: string;
  unionid: string;
  nickname: string;
  headimgurl: string;
}

export interface WeChatEmulator extends EmulatorServer, Switchable<WeChatBehavior> {
  appId: string;
  appSecret: string;
  user: WeChatUser;
  /** Every code, access token and refresh token issued. */
  issued: string[];
}

export const WECHAT_PATHS = { authorization: '/connect/qrconnect', token: '/sns/oauth2/access_token', userinfo: '/sns/userinfo' };

const AUTHORIZATION_PARAMS = ['appid', 'redirect_uri', 'response_type', 'scope', 'state'];
const DEFAULT_BEHAVIOR: WeChatBehavior = { authorize: 'approve', token: 'ok', userinfo: 'ok' };
/** The token endpoint's content-type; userinfo answers with the one its documents' host sends for JSON. */
const TOKEN_CONTENT_TYPE = 'text/plain';
const USERINFO_CONTENT_TYPE = 'application/json; encoding=utf-8';

export async function startWeChatEmulator(): Promise<WeChatEmulator> {
  const appId = `wx${randomBytes(8).toString('hex')}`;
  const appSecret = randomBytes(16).toString('hex');
  const user: WeChatUser = {
    openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
    unionid: 'o6_bmasdasdsad6_2sgVt7hMZOPfL',
    nickname: '微信用户',
    // WeChat often answers avatars over http, though the same host serves https.
    headimgurl: 'http://thirdwx.qlogo.cn/mmopen/g3MonUZtNHkdmzicIlibx6iaFqAc56vxLSUfpb6n5WKSYVY0ChQKkiaJSgQ1dZuTOgvLLrhJbERQQ4eMsv84eavHiaiceqxibJxCfHe/132',
  };
  const behavior = switchable(DEFAULT_BEHAVIOR);
  const codes = new Map<string, { used: boolean }>();
  const accessTokens = new Map<string, string>();
  const issued: string[] = [];

  const mint = (prefix: string) => {
    const value = `${prefix}${randomBytes(18).toString('base64url')}`;
    issued.push(value);
    return value;
  };
  const refusal = (res: ServerResponse, contentType: string, errcode: number, errmsg: string) =>
    send(res, 200, contentType, JSON.stringify({ errcode, errmsg: `${errmsg}, rid: ${randomBytes(6).toString('hex')}` }));

  function authorize({ query }: RecordedRequest, res: ServerResponse) {
    const redirectUri = query.redirect_uri ?? '';
    const valid =
      // WeChat matches the link against a strict pattern: these parameters in this order (Wechat_webpage_authorization.html).
      Object.keys(query).filter((name) => AUTHORIZATION_PARAMS.includes(name)).join() === AUTHORIZATION_PARAMS.join() &&
      query.appid === appId &&
      URL.canParse(redirectUri) &&
      query.response_type === 'code' &&
      query.scope === 'snsapi_login' &&
      /^[A-Za-z0-9]{0,128}$/.test(query.state ?? '');
    // Bad parameters show this page instead of a QR code (Wechat_Login.html).
    if (!valid) return send(res, 200, 'text/html; charset=utf-8', '<html><body><p>该链接无法访问</p></body></html>');
    const back = new URL(redirectUri);
    if (behavior.now.authorize === 'approve') {
      const code = mint('0');
      codes.set(code, { used: false });
      back.searchParams.set('code', code);
    }
    back.searchParams.set('state', query.state ?? '');
    redirect(res, back);
  }

  function token({ query }: RecordedRequest, res: ServerResponse) {
    if (behavior.now.token === 'errcode') return refusal(res, TOKEN_CONTENT_TYPE, 40029, 'invalid code');
    if (behavior.now.token === 'busy') return refusal(res, TOKEN_CONTENT_TYPE, -1, 'system error');
    if (behavior.now.token !== 'ok') return fail(res, behavior.now.token);
    if (query.appid !== appId) return refusal(res, TOKEN_CONTENT_TYPE, 40013, 'invalid appid');
    if (query.secret !== appSecret) return refusal(res, TOKEN_CONTENT_TYPE, 40125, 'invalid appsecret');
    if (query.grant_type !== 'authorization_code') return refusal(res, TOKEN_CONTENT_TYPE, 40002, 'invalid grant_type');
    const pending = codes.get(query.code ?? '');
    if (!pending) return refusal(res, TOKEN_CONTENT_TYPE, 40029, 'invalid code');
    if (pending.used) return refusal(res, TOKEN_CONTENT_TYPE, 40163, 'code been used');
    pending.used = true;
    const accessToken = mint('ACCESS_');
    accessTokens.set(accessToken, user.openid);
    const refreshToken = mint('REFRESH_');
    const body = { access_token: accessToken, expires_in: 7200, refresh_token: refreshToken, openid: user.openid, scope: 'snsapi_login', unionid: user.unionid };
    send(res, 200, TOKEN_CONTENT_TYPE, JSON.stringify(body));
  }

  function userinfo({ query }: RecordedRequest, res: ServerResponse) {
    if (behavior.now.userinfo === 'errcode') return refusal(res, USERINFO_CONTENT_TYPE, 40001, 'invalid credential, access_token is invalid or not latest');
    if (behavior.now.userinfo !== 'ok' && behavior.now.userinfo !== 'openid-mismatch') return fail(res, behavior.now.userinfo);
    const openid = accessTokens.get(query.access_token ?? '');
    if (openid === undefined) return refusal(res, USERINFO_CONTENT_TYPE, 40001, 'invalid credential, access_token is invalid or not latest');
    if (query.openid !== openid) return refusal(res, USERINFO_CONTENT_TYPE, 40003, 'invalid openid');
    const profile = { ...user, sex: 0, province: '', city: '', country: '', privilege: [] };
    if (behavior.now.userinfo === 'openid-mismatch') Object.assign(profile, { openid: 'oSomeoneElse', nickname: '别人' });
    send(res, 200, USERINFO_CONTENT_TYPE, JSON.stringify(profile));
  }

  const server = await startEmulatorServer((request, res) => {
    if (request.method !== 'GET') return refusal(res, TOKEN_CONTENT_TYPE, 43001, 'require GET method');
    if (request.path === WECHAT_PATHS.authorization) return authorize(request, res);
    if (request.path === WECHAT_PATHS.token) return token(request, res);
    if (request.path === WECHAT_PATHS.userinfo) return userinfo(request, res);
    send(res, 404, 'text/plain', 'Not Found');
  });

  return {
    ...server,
    appId,
    appSecret,
    user,
    issued,
    behave: behavior.behave,
    reset: behavior.reset,
  };
}
