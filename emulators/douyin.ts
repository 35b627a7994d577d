/**
 * Douyin Open Platform on the platform emulator, answering as Douyin's documents say:
 * - https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/douyin-get-permission-code/
 * - https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/get-access-token
 * - https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/refresh-access-token
 * - https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/get-account-open-info
 * Every answer is HTTP 200 in a `{data: {...}, message}` envelope, refusals as `data.error_code`
 * (a number in the token answers, a string in userinfo's) and userinfo's `err_no`. Token calls
 * must be form-encoded ("并非json，而是form"). Douyin documents no denial redirect; this one
 * comes back without a code.
 */
import { randomBytes } from 'node:crypto';
import type { Outage } from './emulator-server.js';
import { authorizeRoute, startPlatformEmulator, type Answer, type EmulatorRequest, type PlatformEmulator, type TokenPair, type Authorize } from './platform-emulator.js';

export interface DouyinBehavior extends Record<string, string> {
  authorize: Authorize;
  /** 'invalid-code': error_code 10008 inside HTTP 200. */
  token: 'ok' | 'invalid-code' | Outage;
  /** 'invalid-token': err_no 28001003; 'old-envelope-error': the older `{data: {error_code: "2190008"}}` shape. */
  userinfo: 'ok' | 'invalid-token' | 'old-envelope-error' | Outage;
  /** 'expired': error_code 10010. */
  refresh: 'ok' | 'expired' | Outage;
}

export interface DouyinUser {
  open_id: string;
  union_id: string;
  nickname: string;
  avatar: string;
}

export type DouyinEmulator = PlatformEmulator<DouyinBehavior, DouyinUser>;

export const DOUYIN_PATHS = {
  authorization: '/platform/oauth/connect/',
  token: '/oauth/access_token/',
  refresh: '/oauth/refresh_token/',
  userinfo: '/oauth/userinfo/',
};

const logId = () => randomBytes(12).toString('hex');
const refusal = (errorCode: number, description: string): Answer => ({
  body: { data: { error_code: errorCode, description, captcha: '', desc_url: '' }, message: 'error', extra: { logid: logId(), now: Date.now() } },
});
const isForm = ({ headers }: EmulatorRequest) => (headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

export function startDouyinEmulator(): Promise<DouyinEmulator> {
  return startPlatformEmulator<DouyinBehavior, DouyinUser>({
    name: 'Douyin',
    behavior: { authorize: 'approve', token: 'ok', userinfo: 'ok', refresh: 'ok' },
    user: () => ({
      open_id: '_000QadFMhmU1jNCI3JdPnyVDL6XavC70dFy',
      union_id: '5c1e6f2a-7b3d-4e8f-9a0b-1c2d3e4f5a6b',
      nickname: '抖音用户',
      avatar: 'https://p3.douyinpic.com/aweme/100x100/aweme-avatar/abc.jpeg',
    }),
    clientId: () => `aw${randomBytes(8).toString('hex')}`,
    tokens: { code: '', access: 'act.', refresh: 'rft.', encoding: 'hex' },
    expiresIn: 1296000,
    contentType: 'application/json',
    notFound: { status: 404, body: { data: { error_code: 404, description: 'not found' }, message: 'error' } },
    routes: (douyin) => {
      const tokenData = ({ accessToken, refreshToken }: TokenPair, expiresIn: number | string) => ({
        access_token: accessToken,
        expires_in: expiresIn,
        refresh_token: refreshToken,
        refresh_expires_in: 2592000,
        open_id: douyin.user.open_id,
        scope: 'user_info',
        error_code: 0,
        description: '',
        log_id: logId(),
      });
      return {
        [`GET ${DOUYIN_PATHS.authorization}`]: authorizeRoute<DouyinBehavior>(douyin, {
          valid: (query) => query.client_key === douyin.clientId && query.response_type === 'code' && Boolean(query.scope),
          invalid: { type: 'text/html; charset=utf-8', body: '<html><body>参数错误</body></html>' },
          deny: () => {},
        }),
        [`POST ${DOUYIN_PATHS.token}`]: {
          behavior: 'token',
          handle: (request, now) => {
            const { body } = request;
            if (!isForm(request)) return refusal(10005, '缺少参数');
            if (body.client_key !== douyin.clientId || body.client_secret !== douyin.clientSecret) return refusal(10013, 'client_key或client_secret错误');
            const redeemed = douyin.grants.redeem(body.code);
            if (now === 'invalid-code' || body.grant_type !== 'authorization_code' || typeof redeemed === 'string') return refusal(10008, 'code 无效');
            return { body: { data: tokenData(douyin.grants.tokens(redeemed.scope), douyin.expiresIn), message: 'success' } };
          },
        },
        // The refresh token stays the same; the example answer writes the lifetimes as strings.
        [`POST ${DOUYIN_PATHS.refresh}`]: {
          behavior: 'refresh',
          handle: (request, now) => {
            const { body } = request;
            if (!isForm(request) || body.client_key !== douyin.clientId || body.grant_type !== 'refresh_token') return refusal(10005, '缺少参数');
            const refreshed = now === 'expired' ? undefined : douyin.grants.refresh(body.refresh_token, false);
            return refreshed ? { body: { data: tokenData(refreshed, String(douyin.expiresIn)), message: 'success' } } : refusal(10010, 'refresh_token已过期');
          },
        },
        [`POST ${DOUYIN_PATHS.userinfo}`]: {
          behavior: 'userinfo',
          handle: ({ body }, now) => {
            if (now === 'old-envelope-error') return { body: { data: { error_code: '2190008', description: 'access_token过期' }, extra: { logid: logId() } } };
            if (now === 'invalid-token' || douyin.grants.scopeOf(body.access_token) === undefined || body.open_id !== douyin.user.open_id) {
              return { body: { err_no: 28001003, err_msg: 'access_token无效', log_id: logId(), data: null } };
            }
            const data = { ...douyin.user, e_account_role: '', client_key: douyin.clientId, description: '', error_code: '0' };
            return { body: { err_no: 0, err_msg: '', log_id: logId(), data } };
          },
        },
      };
    },
  });
}
