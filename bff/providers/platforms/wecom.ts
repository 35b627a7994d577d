import { z } from 'zod';
import { clientSecret } from '../config-fields.js';
import { definePlatform } from '../engine/define-platform.js';
import { LOCAL_DEVELOPMENT } from '../platform-guide.js';
import { idAt } from '../user-fields.js';

/*
 * WeCom (企业微信) web login for a self-built or agency-developed app (自建应用 / 代开发应用). Documents
 * (developer.work.weixin.qq.com/document/path/N), each read for the fact cited beside it:
 * - WEB_LOGIN, 98152 / 98171 (构造企业微信登录链接): the QR/web login link, its parameters and their order.
 * - OAUTH_LINK, 96441 (构造网页授权链接): the link inside the WeCom client (no QR code there).
 * - GETTOKEN, 91039 (获取access_token): the app's token from corpid + corpsecret, `expires_in` (7200 s
 *   normally), "cache it, do not call gettoken often", and it may be invalidated early: fetch again.
 * - LOGIN_IDENTITY, 98177 (获取用户登录身份) and 96442 (获取访问用户身份): auth/getuserinfo with the app token
 *   and the code (single use, 5 minutes); a member answers `userid`, a non-member `openid` (+ `external_userid`).
 * - USER_GET, 96255 (读取成员): the profile; since 2022-06-20 new apps get no avatar, gender, mobile or email
 *   from it, and it only reads members within the app's visible range (应用须拥有指定成员的查看权限).
 * - ERRORS, 90455 (全局错误码): `{errcode, errmsg}` with HTTP 200; -1 is busy (系统繁忙, retry later),
 *   40014 an invalid access_token, 40029 an invalid code; "judge by errcode, never by errmsg".
 * - SERVICE_APP, 98179 (第三方 获取登录用户身份): a third-party app's login needs the suite_access_token, which
 *   is made from the suite_ticket WeCom pushes to the app's callback URL; the BFF does not receive it.
 * No user token, no refresh, no PKCE.
 */

/** LOGIN_IDENTITY spells the ids in lower case; the legacy user/getuserinfo (path 91023) and JustAuth use `UserId` / `OpenId`: both are read. */
const MEMBER_ID = ['userid', 'UserId'];
const NON_MEMBER_ID = ['openid', 'OpenId'];

export const wecom = definePlatform({
  type: 'wecom',
  name: 'WeCom',
  guide: {
    title: 'WeCom (企业微信)',
    ids: "the member's `userid` (a non-member's `openid` with `allowNonMembers`)",
    refresh: 'no (no user token)',
    revocation: 'no',
    console: 'work.weixin.qq.com admin (应用管理 → the self-built app: 可信域名 / Web网页授权回调域名)',
    redirect: 'the domain',
    localDevelopment: LOCAL_DEVELOPMENT.domainOnly,
  },
  // No token probe: the token endpoint is the app token's (gettoken), which takes no code.
  registration: { console: 'https://work.weixin.qq.com/wework_admin/frame#apps', domainField: '可信域名', plainDomain: true },
  endpoints: {
    authorization: 'https://login.work.weixin.qq.com/wwlogin/sso/login',
    token: 'https://qyapi.weixin.qq.com/cgi-bin/gettoken',
    identity: 'https://qyapi.weixin.qq.com/cgi-bin/auth/getuserinfo',
    userinfo: 'https://qyapi.weixin.qq.com/cgi-bin/user/get',
  },
  scope: 'snsapi_base',
  config: {
    /** GETTOKEN: the app's Secret (corpsecret); `clientId` is the CorpID. */
    clientSecret,
    /** WEB_LOGIN: the app's AgentId, required with CorpApp; sent as its decimal text. */
    agentId: z.union([z.string().regex(/^\d{1,20}$/, "must be the app's AgentId (digits)"), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]).transform(String),
    loginType: z
      .enum(['CorpApp', 'ServiceApp'])
      .default('CorpApp')
      .refine((type) => type === 'CorpApp', {
        message:
          'ServiceApp (a third-party app) needs the suite_ticket WeCom pushes to its callback URL, which this BFF does not receive; use a self-built or agency-developed app (CorpApp)',
      }),
    /** LOGIN_IDENTITY: someone who is not a member of the corp is named by an `openid` alone; signed in only when allowed. */
    allowNonMembers: z.boolean().default(false),
    /** WEB_LOGIN `lang`: the login page's language (default: the browser's). */
    lang: z.enum(['zh', 'en']).optional(),
    /** OAUTH_LINK: `snsapi_base` (silent, the UserId); `snsapi_privateinfo` needs the user_ticket flow, not built here. */
    scope: z.enum(['snsapi_base']).default('snsapi_base'),
  },
  authorization: {
    // WEB_LOGIN: the documented order; `agentid` with login_type=CorpApp.
    params: ({ config, redirectUri, state }) => ({
      login_type: config.loginType,
      appid: config.clientId,
      agentid: config.agentId,
      redirect_uri: redirectUri,
      state,
      lang: config.lang,
    }),
    // OAUTH_LINK: inside the WeCom client (its user agent carries `wxwork`) the QR page cannot be scanned by the phone showing it.
    inApp: {
      userAgent: /\bwxwork\//i,
      endpoint: 'https://open.weixin.qq.com/connect/oauth2/authorize',
      params: ({ config, redirectUri, state }) => ({
        appid: config.clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: config.scope,
        state,
        agentid: config.agentId,
      }),
      fragment: 'wechat_redirect',
    },
  },
  appToken: {
    call: { method: 'GET', query: ({ config }) => ({ corpid: config.clientId, corpsecret: config.clientSecret }) },
    // ERRORS: 40014 invalid access_token; 42001 (access_token expired) is from the community copies of the list, UNCONFIRMED in the official page read.
    invalid: { path: 'errcode', values: [40014, 42001] },
  },
  // LOGIN_IDENTITY: the code is redeemed with the app token; the answer names the user and carries no token of theirs.
  token: {
    method: 'GET',
    endpoint: ['identity'],
    query: ({ appToken, code }) => ({ access_token: appToken, code }),
    refusals: ({ config }) => (config.allowNonMembers ? [] : NON_MEMBER_ID.map((path) => ({ path, means: 'access_denied' as const }))),
  },
  userToken: false,
  userinfo: {
    method: 'GET',
    query: ({ appToken, subject }) => ({ access_token: appToken, userid: subject }),
    // USER_GET: a member outside the app's visible range is refused as 60011 (no privilege to access/modify contact/party/agent,
    // as real answers quote it); 48002 (api forbidden) is UNCONFIRMED. Either way the id alone signs the member in.
    skipOn: { path: 'errcode', values: [60011, 48002] },
  },
  // USER_GET takes a member's userid; a non-member (allowed) has none to read.
  skipUserinfo: (_config, claims) => idAt(claims, MEMBER_ID) === undefined,
  refusals: [{ path: 'errcode', ok: [0], busy: [-1] }],
  // USER_GET: `name`; the avatar and email only for apps created before 2022-06-20. No email is documented as verified.
  user: { idFrom: 'token', id: [...MEMBER_ID, ...NON_MEMBER_ID], name: ['name'], email: ['email', 'biz_mail'], avatarUrl: ['avatar', 'thumb_avatar'] },
  // USER_GET's avatars are http://wx.qlogo.cn/...; the same host serves them over https.
  httpsAvatarHosts: ['qlogo.cn'],
});
