/**
 * Gitee on the platform emulator, answering as Gitee's documents say:
 * - https://gitee.com/api/v5/oauth_doc and https://gitee.com/api/v5/swagger#/getV5User
 * RFC 6749 error bodies with HTTP 4xx (Doorkeeper), a numeric user id, an email that may be
 * null, 403 without a User-Agent. This emulator rotates refresh tokens (UNCONFIRMED at Gitee)
 * so that the BFF is seen to keep the one each answer brings.
 */
import { randomBytes } from 'node:crypto';
import type { Outage } from './emulator-server.js';
import { authorizeRoute, startPlatformEmulator, type Answer, type PlatformEmulator, type TokenPair, type Authorize } from './platform-emulator.js';

export interface GiteeBehavior extends Record<string, string> {
  authorize: Authorize;
  token: 'ok' | 'invalid-grant' | Outage;
  user: 'ok' | 'unauthorized' | Outage;
  refresh: 'ok' | 'invalid-grant';
}

export interface GiteeUser {
  id: number;
  login: string;
  name: string;
  avatar_url: string;
  email: string | null;
}

export type GiteeEmulator = PlatformEmulator<GiteeBehavior, GiteeUser>;

export const GITEE_PATHS = { authorization: '/oauth/authorize', token: '/oauth/token', userinfo: '/api/v5/user' };

const oauthError = (error: string, description: string): Answer => ({ status: 400, body: { error, error_description: description } });
const INVALID_GRANT = oauthError('invalid_grant', '授权方式无效，或者登录回调地址无效、过期或已被撤销');

export function startGiteeEmulator(): Promise<GiteeEmulator> {
  return startPlatformEmulator<GiteeBehavior, GiteeUser>({
    name: 'Gitee',
    behavior: { authorize: 'approve', token: 'ok', user: 'ok', refresh: 'ok' },
    user: () => ({ id: 8317523, login: 'gitee-user', name: '码云用户', avatar_url: 'https://foruda.gitee.com/avatar/1677000000000/8317523_gitee-user.png', email: null }),
    clientId: () => randomBytes(32).toString('hex'),
    tokens: { code: '', access: '', refresh: '', encoding: 'hex' },
    expiresIn: 86400,
    contentType: 'application/json; charset=utf-8',
    notFound: { status: 404, body: { message: '404 Not Found' } },
    routes: (gitee) => {
      const tokenAnswer = ({ accessToken, refreshToken }: TokenPair, scope: string): Answer => ({
        body: { access_token: accessToken, token_type: 'bearer', expires_in: gitee.expiresIn, refresh_token: refreshToken, scope, created_at: Math.floor(Date.now() / 1000) },
      });
      return {
        [`GET ${GITEE_PATHS.authorization}`]: authorizeRoute<GiteeBehavior>(gitee, {
          valid: (query) => query.client_id === gitee.clientId && query.response_type === 'code',
          invalid: { status: 400, type: 'text/html; charset=utf-8', body: '<html><body>invalid_client</body></html>' },
          deny: (back) => {
            back.searchParams.set('error', 'access_denied');
            back.searchParams.set('error_description', 'The resource owner or authorization server denied the request.');
          },
        }),
        [`POST ${GITEE_PATHS.token}`]: {
          behavior: 'token',
          handle: ({ query, body }, now, behavior) => {
            if (query.grant_type === 'refresh_token') {
              const refreshed = behavior.refresh === 'ok' ? gitee.grants.refresh(query.refresh_token, true) : undefined;
              return refreshed ? tokenAnswer(refreshed, gitee.grants.scopeOf(refreshed.accessToken) ?? '') : INVALID_GRANT;
            }
            if (query.client_id !== gitee.clientId || body.client_secret !== gitee.clientSecret) {
              return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } };
            }
            const redeemed = gitee.grants.redeem(query.code, { redirectUri: query.redirect_uri });
            if (now === 'invalid-grant' || typeof redeemed === 'string') return INVALID_GRANT;
            return tokenAnswer(gitee.grants.tokens(redeemed.scope), redeemed.scope);
          },
        },
        [`GET ${GITEE_PATHS.userinfo}`]: {
          behavior: 'user',
          handle: ({ headers, query }, now) => {
            if (!headers['user-agent']) return { status: 403, type: 'text/html', body: '<html><body>403 Forbidden</body></html>' };
            const presented = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1] ?? query.access_token;
            if (now === 'unauthorized' || gitee.grants.scopeOf(presented) === undefined) return { status: 401, body: { message: '401 Unauthorized: Access token does not exist' } };
            return { body: { ...gitee.user, bio: null, blog: null, html_url: `https://gitee.com/${gitee.user.login}` } };
          },
        },
      };
    },
  });
}
