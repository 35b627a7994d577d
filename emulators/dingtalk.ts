/**
 * DingTalk's current login API (login.dingtalk.com + api.dingtalk.com, on one origin here) on the
 * platform emulator, answering as DingTalk's documents say:
 * - https://open.dingtalk.com/document/orgapp/obtain-identity-credentials
 * - https://open.dingtalk.com/document/orgapp/obtain-user-token
 * - https://open.dingtalk.com/document/orgapp/dingtalk-retrieve-user-information
 * camelCase JSON both ways; refusals are HTTP 4xx `{code, message, requestid}` (the
 * codes here are the documents' examples). /oauth2/auth shows no QR code: it approves
 * at once, coming back with `authCode`, or fails.
 */
import { randomBytes } from 'node:crypto';
import { isJsonObject } from '../bff/providers/json-body.js';
import type { Outage } from './emulator-server.js';
import { authorizeRoute, refreshByGrantType, startPlatformEmulator, type Answer, type EmulatorRequest, type PlatformEmulator, type TokenPair, type Authorize } from './platform-emulator.js';

export interface DingTalkBehavior extends Record<string, string> {
  authorize: Authorize;
  token: 'ok' | 'refuse' | Outage;
  refresh: 'ok' | 'refuse' | Outage;
  userinfo: 'ok' | 'refuse' | Outage;
}

export interface DingTalkUser {
  openId: string;
  unionId: string;
  nick: string;
  avatarUrl: string;
  email: string;
  mobile: string;
}

export type DingTalkEmulator = PlatformEmulator<DingTalkBehavior, DingTalkUser>;

export const DINGTALK_PATHS = { authorization: '/oauth2/auth', token: '/v1.0/oauth2/userAccessToken', userinfo: '/v1.0/contact/users/me' };

const defaultUser = (): DingTalkUser => ({
  openId: 'Ek3iPNw3mV9KiEiE',
  unionId: 'hH3ctQiPc8ALmEYEiE',
  nick: '钉钉用户',
  avatarUrl: 'https://static-legacy.dingtalk.com/media/lADPDg7mViaksV3NAfTNAfQ_500_500.jpg',
  email: 'dingtalk-user@example.test',
  mobile: '18612345678',
});

const refusal = (status: number, code: string, message: string): Answer => ({ status, body: { code, message, requestid: randomBytes(8).toString('hex').toUpperCase() } });

/** The token endpoint reads a JSON body only (anything else is "body is mandatory"), with the client's credentials. */
const refusedClient = (client: { clientId: string; clientSecret: string }, { headers, json, params }: EmulatorRequest, grantType: string) => {
  if (!/^application\/json/.test(headers['content-type'] ?? '') || !isJsonObject(json)) return refusal(400, 'MissingBody', 'body is mandatory');
  if (params.clientId !== client.clientId || params.clientSecret !== client.clientSecret) return refusal(400, 'InvalidAuthentication', '不合法的 clientId 或 clientSecret');
  if (params.grantType !== grantType) return refusal(400, 'InvalidParameter', 'grantType 不合法');
  return undefined;
};

export function startDingTalkEmulator(): Promise<DingTalkEmulator> {
  return startPlatformEmulator<DingTalkBehavior, DingTalkUser>({
    name: 'DingTalk',
    behavior: { authorize: 'approve', token: 'ok', refresh: 'ok', userinfo: 'ok' },
    user: defaultUser,
    clientId: () => `ding${randomBytes(8).toString('hex')}`,
    tokens: { code: '', access: '', refresh: '', encoding: 'hex' },
    expiresIn: 7200,
    contentType: 'application/json;charset=utf-8',
    notFound: { status: 404, body: { code: 'InvalidAction.NotFound', message: 'Specified api is not found, please check your url and method.' } },
    routeOf: refreshByGrantType('grantType'),
    routes: (dingtalk) => {
      const tokenAnswer = ({ accessToken, refreshToken }: TokenPair): Answer => ({
        body: { accessToken, refreshToken, expireIn: dingtalk.expiresIn },
      });
      return {
        [`GET ${DINGTALK_PATHS.authorization}`]: authorizeRoute(dingtalk, {
          valid: (query) => query.client_id === dingtalk.clientId && query.response_type === 'code' && query.prompt === 'consent' && (query.scope ?? '').split(' ').includes('openid'),
          invalid: { status: 400, type: 'text/html;charset=utf-8', body: '<html><body><p>参数错误</p></body></html>' },
          codeParam: 'authCode',
          // The failure's value is not documented ("error=XXX"); this one is none RFC 6749 names, so the suite shows any value reads as a refusal.
          deny: (back) => back.searchParams.set('error', 'user_cancelled'),
        }),
        [`POST ${DINGTALK_PATHS.token}`]: {
          behavior: 'token',
          handle: (request, now) => {
            const refused = refusedClient(dingtalk, request, 'authorization_code');
            if (refused) return refused;
            const redeemed = now === 'refuse' ? 'unknown' : dingtalk.grants.redeem(request.params.code);
            if (typeof redeemed === 'string') return refusal(400, 'InvalidAuthentication', '不合法的临时授权码');
            return tokenAnswer(dingtalk.grants.tokens(redeemed.scope));
          },
        },
        // Whether the refresh token rotates is not documented: this one does, the stricter case.
        [`POST ${DINGTALK_PATHS.token} refresh`]: {
          behavior: 'refresh',
          handle: (request, now) => {
            const refused = refusedClient(dingtalk, request, 'refresh_token');
            if (refused) return refused;
            const refreshed = now === 'refuse' ? undefined : dingtalk.grants.refresh(request.params.refreshToken, true);
            return refreshed ? tokenAnswer(refreshed) : refusal(400, 'InvalidAuthentication', '不合法的 refreshToken');
          },
        },
        [`GET ${DINGTALK_PATHS.userinfo}`]: {
          behavior: 'userinfo',
          handle: ({ headers }, now) => {
            if (now === 'refuse' || dingtalk.grants.scopeOf(headers['x-acs-dingtalk-access-token']) === undefined) {
              return refusal(401, 'InvalidAuthentication', '不合法的access_token');
            }
            return { body: { ...dingtalk.user, stateCode: '86', visitor: false } };
          },
        },
      };
    },
  });
}
