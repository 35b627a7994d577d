/**
 * Feishu's (and Lark's: the same API on other hosts) browser-app login on the platform
 * emulator, answering as Feishu's documents say:
 * - https://open.feishu.cn/document/common-capabilities/sso/api/obtain-oauth-code
 * - https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token
 * - https://open.feishu.cn/document/authentication-management/access-token/refresh-user-access-token
 * - https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/authen-v1/user_info/get
 * The v2 token endpoint takes JSON only as `application/json; charset=utf-8`, checks
 * PKCE S256, answers flat (`code: 0` beside the tokens) and refuses with HTTP 4xx
 * `{code, error, error_description}`; refresh tokens are single use. user_info wraps
 * its answer in `{code, msg, data}`.
 */
import { randomBytes } from 'node:crypto';
import type { Outage } from './emulator-server.js';
import { authorizeRoute, refreshByGrantType, startPlatformEmulator, type Answer, type CodeRefusal, type PlatformEmulator, type TokenPair, type Authorize } from './platform-emulator.js';

export interface FeishuBehavior extends Record<string, string> {
  authorize: Authorize;
  token: 'ok' | 'refuse' | Outage;
  refresh: 'ok' | 'refuse' | Outage;
  userinfo: 'ok' | 'refuse' | Outage;
}

export interface FeishuUser {
  open_id: string;
  union_id: string;
  name: string;
  en_name: string;
  avatar_url: string;
  email: string;
  enterprise_email: string;
  tenant_key: string;
}

export type FeishuEmulator = PlatformEmulator<FeishuBehavior, FeishuUser>;

export const FEISHU_PATHS = { authorization: '/open-apis/authen/v1/authorize', token: '/open-apis/authen/v2/oauth/token', userinfo: '/open-apis/authen/v1/user_info' };

const defaultUser = (): FeishuUser => ({
  open_id: 'ou_3bba1d7f8e4b2a9c6d5e0f1a2b3c4d5e',
  union_id: 'on_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d',
  name: '张三',
  en_name: 'Zhang San',
  avatar_url: 'https://s1-imfile.feishucdn.com/static-resource/v1/v2_0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5g~?image_size=72x72',
  email: 'zhangsan@example.test',
  enterprise_email: 'zhangsan@corp.example.test',
  tenant_key: '736588c9260f175d',
});

const JSON_UTF8 = /^application\/json;\s*charset=utf-8$/i;

/** The token endpoint's refusal: its code table, with RFC 6749 §5.2 names. */
const refusal = (status: number, code: number, error: string, description: string): Answer => ({ status, body: { code, error, error_description: description } });

const CODE_REFUSALS: Record<CodeRefusal, Answer> = {
  unknown: refusal(400, 20003, 'invalid_grant', 'The authorization code is not found.'),
  used: refusal(400, 20065, 'invalid_grant', 'The authorization code has been used.'),
  redirect_uri: refusal(400, 20071, 'invalid_grant', 'The redirect_uri is not the one used when requesting the authorization code.'),
  pkce: refusal(400, 20049, 'invalid_grant', 'PKCE verification failed.'),
};

export function startFeishuEmulator(): Promise<FeishuEmulator> {
  return startPlatformEmulator<FeishuBehavior, FeishuUser>({
    name: 'Feishu / Lark',
    behavior: { authorize: 'approve', token: 'ok', refresh: 'ok', userinfo: 'ok' },
    user: defaultUser,
    clientId: () => `cli_${randomBytes(8).toString('hex')}`,
    tokens: { code: '', access: 'u-', refresh: 'ur-', encoding: 'base64url' },
    expiresIn: 7200,
    contentType: 'application/json; charset=utf-8',
    notFound: { status: 404, body: '404 page not found' },
    routeOf: refreshByGrantType('grant_type'),
    routes: (feishu) => {
      /** TOKEN_V2: the content type is a fixed value; the client secret goes in the body. */
      const refusedClient = ({ headers, params }: { headers: Record<string, string>; params: Record<string, string> }, grantType: string) => {
        if (!JSON_UTF8.test(headers['content-type'] ?? '')) return refusal(400, 20001, 'invalid_request', 'The request body must be application/json; charset=utf-8.');
        if (params.grant_type !== grantType) return refusal(400, 20001, 'invalid_request', 'Unsupported grant_type.');
        if (params.client_id !== feishu.clientId || params.client_secret !== feishu.clientSecret) return refusal(401, 20002, 'invalid_client', 'The client secret is invalid.');
        return undefined;
      };
      /** The refresh token comes only with `offline_access`. */
      const tokenAnswer = (scope: string, { accessToken, refreshToken }: TokenPair): Answer => {
        const offline = scope.split(' ').includes('offline_access');
        const refresh = offline ? { refresh_token: refreshToken, refresh_token_expires_in: 604800 } : {};
        return { body: { code: 0, access_token: accessToken, expires_in: feishu.expiresIn, ...refresh, token_type: 'Bearer', scope } };
      };
      return {
        [`GET ${FEISHU_PATHS.authorization}`]: authorizeRoute(feishu, {
          valid: (query) => query.client_id === feishu.clientId,
          invalid: { status: 400, type: 'text/html; charset=utf-8', body: '<html><body><p>参数错误 (20029)</p></body></html>' },
          pkce: true,
          // The value is UNCONFIRMED (the authorization document names `error` but not its values); this is the RFC's.
          deny: (back) => back.searchParams.set('error', 'access_denied'),
        }),
        [`POST ${FEISHU_PATHS.token}`]: {
          behavior: 'token',
          handle: (request, now) => {
            const refused = refusedClient(request, 'authorization_code');
            if (refused) return refused;
            const { code, redirect_uri: redirectUri, code_verifier: codeVerifier } = request.params;
            const redeemed = now === 'refuse' ? 'unknown' : feishu.grants.redeem(code, { redirectUri, codeVerifier });
            return typeof redeemed === 'string' ? CODE_REFUSALS[redeemed] : tokenAnswer(redeemed.scope, feishu.grants.tokens(redeemed.scope));
          },
        },
        // REFRESH_V2: the old refresh token dies when it is used. (The code of its refusal is not in the documents above.)
        [`POST ${FEISHU_PATHS.token} refresh`]: {
          behavior: 'refresh',
          handle: (request, now) => {
            const refused = refusedClient(request, 'refresh_token');
            if (refused) return refused;
            const { refresh_token: refreshToken } = request.params;
            const refreshed = now === 'refuse' ? undefined : feishu.grants.refresh(refreshToken, true);
            if (!refreshed) return refusal(400, 20064, 'invalid_grant', 'The refresh token has been revoked.');
            return tokenAnswer(feishu.grants.scopeOf(refreshed.accessToken) ?? '', refreshed);
          },
        },
        // The refusal's code is from Feishu's common error list (not in the documents above); any code but 0 is a refusal.
        [`GET ${FEISHU_PATHS.userinfo}`]: {
          behavior: 'userinfo',
          handle: ({ headers }, now) => {
            const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
            if (now === 'refuse' || feishu.grants.scopeOf(token) === undefined) {
              return { status: 400, body: { code: 99991668, msg: 'Invalid access token for authorization. Please make a request with token attached.' } };
            }
            return { body: { code: 0, msg: 'success', data: { ...feishu.user, avatar_thumb: feishu.user.avatar_url, avatar_big: feishu.user.avatar_url } } };
          },
        },
      };
    },
  });
}
