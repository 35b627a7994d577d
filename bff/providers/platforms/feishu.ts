import { clientSecret } from '../config-fields.js';
import { definePlatform } from '../engine/define-platform.js';
import { authorizationParams, bearer, ERROR_MEMBER, refreshCall, tokenCall } from '../engine/rfc6749.js';
import { FULL_REDIRECT_URI, LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * Feishu (飞书) and Lark, its international edition: one API on two sets of hosts. Documents
 * (the same pages under open.larksuite.com / open.larkoffice.com):
 * - AUTHORIZE: https://open.feishu.cn/document/common-capabilities/sso/api/obtain-oauth-code
 * - TOKEN_V2: https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token
 * - REFRESH_V2: https://open.feishu.cn/document/authentication-management/access-token/refresh-user-access-token
 * - USER_INFO: https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/authen-v1/user_info/get
 *
 * RFC 6749 with PKCE S256, but the token endpoint takes its parameters as JSON with
 * `Content-Type: application/json; charset=utf-8` (TOKEN_V2: 固定值) and refuses with
 * `{code, error, error_description}` (HTTP 4xx/5xx; code 20050 is its server error).
 * The v3 endpoint the English page points to is not used: whether it takes Lark's codes is UNCONFIRMED.
 */
const jsonUtf8 = () => ({ 'content-type': 'application/json; charset=utf-8' });

function feishuPlatform<const Type extends string>(type: Type, name: string, hosts: { accounts: string; open: string; console: string }, consoleSteps: string) {
  return definePlatform({
    type,
    name,
    endpoints: {
      authorization: `https://${hosts.accounts}/open-apis/authen/v1/authorize`,
      token: `https://${hosts.open}/open-apis/authen/v2/oauth/token`,
      userinfo: `https://${hosts.open}/open-apis/authen/v1/user_info`,
    },
    // REFRESH_V2: a refresh token only comes with `offline_access` (the app must have it enabled).
    scope: 'offline_access',
    guide: {
      title: name,
      ids: '`open_id` / `union_id`',
      refresh: 'yes, rotating (needs `offline_access`)',
      revocation: 'no',
      console: `${hosts.console}/app (${consoleSteps})`,
      redirect: FULL_REDIRECT_URI,
      localDevelopment: LOCAL_DEVELOPMENT.undocumented,
    },
    config: { clientSecret },
    // AUTHORIZE: a refusal comes back as `error`, its value UNCONFIRMED: any value RFC 6749 does not name is read as the user's.
    callback: { unknownErrorMeans: 'access_denied' },
    authorization: { params: authorizationParams },
    token: { method: 'POST', headers: jsonUtf8, json: tokenCall().form },
    // REFRESH_V2: the refresh token is single use; the answer's new one is stored.
    refresh: { method: 'POST', headers: jsonUtf8, json: refreshCall().form },
    // USER_INFO: `{code, msg, data}`, `code` 0 when it went well.
    userinfo: { method: 'GET', headers: bearer, envelope: 'data' },
    // Every answer (TOKEN_V2, REFRESH_V2, USER_INFO) carries `code`: one without it is not believed.
    refusals: [{ path: 'code', ok: [0], busy: [20050], required: true }, ERROR_MEMBER],
    // USER_INFO: `open_id` per app, `union_id` per developer; addresses are imported by admins, not verified.
    user: { idFrom: 'userinfo', id: ['open_id'], unionId: ['union_id'], name: ['name'], email: ['email', 'enterprise_email'], avatarUrl: ['avatar_url'] },
    // TOKEN_V2: 20003 code not found, 20004 expired, 20065 used; 20002 bad client secret; 20071 redirect_uri mismatch (安全设置 → 重定向 URL).
    registration: {
      console: `https://${hosts.console}/app`,
      tokenProbe: { path: 'code', invalidCode: [20003, 20004, 20065], badClient: [20002], redirectMismatch: [20071] },
    },
  });
}

export const feishu = feishuPlatform('feishu', 'Feishu', { accounts: 'accounts.feishu.cn', open: 'open.feishu.cn', console: 'open.feishu.cn' }, '安全设置 → 重定向 URL');
export const lark = feishuPlatform('lark', 'Lark', { accounts: 'accounts.larksuite.com', open: 'open.larksuite.com', console: 'open.larksuite.com' }, 'Security settings → Redirect URLs');
