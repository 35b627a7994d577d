/**
 * WeCom (企业微信) web login of a self-built app on the platform emulator, answering as its
 * documents say (developer.work.weixin.qq.com/document/path/N):
 * - 98152 / 98171 构造企业微信登录链接: /wwlogin/sso/login?login_type=CorpApp&appid&agentid&redirect_uri&state[&lang]
 * - 91019 构造扫码登录链接: a refusal comes back with `state` and no code
 * - 91039 获取access_token: `{errcode:0, errmsg:"ok", access_token, expires_in:7200}`
 * - 98177 / 96442 获取用户登录身份: `{errcode, errmsg, userid}` for a member, `{..., openid, external_userid}` for a non-member
 * - 96255 读取成员: the member's profile; 60011 for a member the app may not read
 * - 90455 全局错误码: every refusal is HTTP 200 `{errcode, errmsg}`; -1 busy, 40014 invalid access_token,
 *   42001 access_token expired, 40029 invalid code, 40013 invalid corpid, 40001 invalid secret
 * The errmsg carries a hint and a link, as real answers do; a client must read errcode only.
 */
import { randomBytes } from 'node:crypto';
import type { Outage } from './emulator-server.js';
import { authorizeRoute, startPlatformEmulator, type Answer, type EmulatorRequest, type PlatformEmulator, type Authorize } from './platform-emulator.js';

export interface WeComBehavior extends Record<string, string> {
  authorize: Authorize;
  /** gettoken. 'errcode': 40001 invalid secret. */
  appToken: 'ok' | 'errcode' | Outage;
  /** auth/getuserinfo. 'errcode': 40029 invalid code; 'busy': -1; 'non-member': an openid only; 'stale': every app token answered 42001 (expired). */
  token: 'ok' | 'errcode' | 'busy' | 'non-member' | 'stale' | Outage;
  /** user/get. 'errcode': 60111 userid not found; 'no-permission': 60011. */
  userinfo: 'ok' | 'errcode' | 'no-permission' | Outage;
}

export interface WeComUser {
  userid: string;
  name: string;
  avatar: string;
  /** What a non-member is named by. */
  openid: string;
}

export interface WeComEmulator extends PlatformEmulator<WeComBehavior, WeComUser> {
  corpId: string;
  agentId: string;
  /** The app tokens gettoken issued and still honours. */
  appTokens: Set<string>;
  /** Ends every app token before its time (GETTOKEN: "企业微信可能会出于运营需要，提前使access_token失效"). */
  expireAppTokens: () => void;
}

export const WECOM_PATHS = {
  authorization: '/wwlogin/sso/login',
  token: '/cgi-bin/gettoken',
  identity: '/cgi-bin/auth/getuserinfo',
  userinfo: '/cgi-bin/user/get',
};

/** 98152: the login link's parameters in its order; `lang` may follow. */
const AUTHORIZATION_PARAMS = ['login_type', 'appid', 'agentid', 'redirect_uri', 'state'];

const defaultUser = (): WeComUser => ({
  userid: 'ZhangSan',
  name: '张三',
  avatar: 'http://wx.qlogo.cn/mmopen/ajNVdqHZLLA3WJ6DSZUfiakYe37PKnQhBIeOQBO4czqrnZDS79FH5Wm5m4X69TBicnHFlhiafvDwklOpZeXYQQ2icg/0',
  openid: 'oAAAAAGX5xl4x4Pf1ZT_-Dwb-8Ttm',
});

const errcode = (code: number, message: string): Answer => ({
  body: { errcode: code, errmsg: `${message}, hint: [${randomBytes(8).toString('hex')}], more info at https://open.work.weixin.qq.com/devtool/query?e=${code}` },
});

export async function startWeComEmulator(): Promise<WeComEmulator> {
  const agentId = String(1_000_000 + randomBytes(2).readUInt16BE());
  const appTokens = new Set<string>();
  const expired = new Set<string>();
  /** The app token a call carries, or the refusal WeCom answers for it. */
  const refusedToken = ({ query }: EmulatorRequest, stale: boolean): Answer | undefined => {
    const token = query.access_token ?? '';
    if (stale || expired.has(token)) return errcode(42001, 'access_token expired');
    return appTokens.has(token) ? undefined : errcode(40014, 'invalid access_token');
  };

  const emulator = await startPlatformEmulator<WeComBehavior, WeComUser>({
    name: 'WeCom',
    behavior: { authorize: 'approve', appToken: 'ok', token: 'ok', userinfo: 'ok' },
    user: defaultUser,
    clientId: () => `ww${randomBytes(8).toString('hex')}`,
    tokens: { code: 'CODE_', access: 'APP_', refresh: 'UNUSED_', encoding: 'base64url' },
    expiresIn: 7200,
    contentType: 'application/json; charset=UTF-8',
    notFound: { status: 404, body: 'Not Found' },
    routes: (wecom) => ({
      [`GET ${WECOM_PATHS.authorization}`]: authorizeRoute<WeComBehavior>(wecom, {
        valid: (query) =>
          Object.keys(query).filter((name) => AUTHORIZATION_PARAMS.includes(name)).join() === AUTHORIZATION_PARAMS.join() &&
          query.login_type === 'CorpApp' &&
          query.appid === wecom.clientId &&
          query.agentid === agentId &&
          ['zh', 'en', undefined].includes(query.lang),
        // 91019: "若提示“该链接无法访问”，请检查参数是否填写错误".
        invalid: { type: 'text/html; charset=utf-8', body: '<html><body><p>该链接无法访问</p></body></html>' },
        deny: () => {},
      }),
      [`GET ${WECOM_PATHS.token}`]: {
        behavior: 'appToken',
        handle: ({ query }, now) => {
          if (query.corpid !== wecom.clientId) return errcode(40013, 'invalid corpid');
          if (now === 'errcode' || query.corpsecret !== wecom.clientSecret) return errcode(40001, 'invalid secret');
          const token = wecom.grants.tokens('app').accessToken;
          appTokens.add(token);
          return { body: { errcode: 0, errmsg: 'ok', access_token: token, expires_in: wecom.expiresIn } };
        },
      },
      [`GET ${WECOM_PATHS.identity}`]: {
        behavior: 'token',
        handle: (request, now) => {
          if (now === 'busy') return errcode(-1, 'system busy');
          const refused = refusedToken(request, now === 'stale');
          if (refused) return refused;
          if (now === 'errcode' || typeof wecom.grants.redeem(request.query.code) === 'string') return errcode(40029, 'invalid code');
          if (now === 'non-member') return { body: { errcode: 0, errmsg: 'ok', openid: wecom.user.openid, external_userid: 'wmAAAAexternal' } };
          return { body: { errcode: 0, errmsg: 'ok', userid: wecom.user.userid } };
        },
      },
      [`GET ${WECOM_PATHS.userinfo}`]: {
        behavior: 'userinfo',
        handle: (request, now) => {
          const refused = refusedToken(request, false);
          if (refused) return refused;
          if (now === 'no-permission') return errcode(60011, 'no privilege to access/modify contact/party/agent');
          if (now === 'errcode' || request.query.userid !== wecom.user.userid) return errcode(60111, 'userid not found');
          const { openid: _openid, ...member } = wecom.user;
          return { body: { errcode: 0, errmsg: 'ok', ...member, department: [1], position: '', status: 1, thumb_avatar: member.avatar.replace(/\/0$/, '/100') } };
        },
      },
    }),
  });
  const expireAppTokens = () => {
    for (const token of appTokens) expired.add(token);
    appTokens.clear();
  };
  return Object.assign(emulator, { corpId: emulator.clientId, agentId, appTokens, expireAppTokens });
}
