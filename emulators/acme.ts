/**
 * "Acme ID", a platform of no one's: the test app's own (test/support/custom-platform.ts), for the
 * custom platforms an app defines with `definePlatform`. Its dialect exercises what such a spec
 * says: RFC 6749 authorization with PKCE, the secret in the form body, refusals answered with
 * HTTP 200 (an `error` member at the token step, a non-zero `code` at the profile step), the
 * profile in a `data` envelope, a numeric user id (which the token answer names too, as a string
 * `user_id`), rotating refresh tokens.
 */
import { randomBytes } from 'node:crypto';
import type { Outage } from './emulator-server.js';
import { authorizeRoute, refreshByGrantType, startPlatformEmulator, type Answer, type PlatformEmulator, type TokenPair, type Authorize } from './platform-emulator.js';

export interface AcmeBehavior extends Record<string, string> {
  authorize: Authorize;
  token: 'ok' | 'invalid-grant' | Outage;
  refresh: 'ok' | 'invalid-grant';
  me: 'ok' | 'token-expired' | Outage;
}

export interface AcmeUser {
  uid: number;
  nick: string;
  mail: string;
  /** The `user_id` the token answers name: the user's own `uid` unless a test makes it someone else's. */
  tokenUserId: string | undefined;
}

export type AcmeEmulator = PlatformEmulator<AcmeBehavior, AcmeUser>;

export const ACME_PATHS = { authorization: '/oauth2/authorize', token: '/oauth2/token', userinfo: '/api/me' };

const INVALID_GRANT: Answer = { body: { error: 'invalid_grant', error_description: 'code or refresh token is not valid' } };

export function startAcmeEmulator(): Promise<AcmeEmulator> {
  return startPlatformEmulator<AcmeBehavior, AcmeUser>({
    name: 'Acme ID',
    behavior: { authorize: 'approve', token: 'ok', refresh: 'ok', me: 'ok' },
    user: () => ({ uid: 424242, nick: 'Acme Tester', mail: 'tester@acme.example', tokenUserId: undefined }),
    clientId: () => `acme-${randomBytes(8).toString('hex')}`,
    tokens: { code: 'ac_', access: 'at_', refresh: 'rt_', encoding: 'base64url' },
    expiresIn: 3600,
    contentType: 'application/json',
    notFound: { status: 404, body: { error: 'not_found' } },
    routeOf: refreshByGrantType('grant_type'),
    routes: (acme) => {
      const tokenAnswer = ({ accessToken, refreshToken }: TokenPair, scope: string): Answer => ({
        body: { access_token: accessToken, token_type: 'Bearer', expires_in: acme.expiresIn, refresh_token: refreshToken, scope, user_id: acme.user.tokenUserId ?? String(acme.user.uid) },
      });
      const authenticated = (params: Record<string, string>) => params.client_id === acme.clientId && params.client_secret === acme.clientSecret;
      return {
        [`GET ${ACME_PATHS.authorization}`]: authorizeRoute<AcmeBehavior>(acme, {
          valid: (query) => query.client_id === acme.clientId && query.response_type === 'code' && query.code_challenge_method === 'S256',
          invalid: { status: 400, type: 'text/plain', body: 'invalid request' },
          pkce: true,
          deny: (back) => back.searchParams.set('error', 'access_denied'),
        }),
        [`POST ${ACME_PATHS.token}`]: {
          behavior: 'token',
          handle: ({ params }, now) => {
            if (!authenticated(params)) return { body: { error: 'invalid_client' } };
            const redeemed = acme.grants.redeem(params.code, { redirectUri: params.redirect_uri, codeVerifier: params.code_verifier });
            if (now === 'invalid-grant' || typeof redeemed === 'string') return INVALID_GRANT;
            return tokenAnswer(acme.grants.tokens(redeemed.scope), redeemed.scope);
          },
        },
        [`POST ${ACME_PATHS.token} refresh`]: {
          behavior: 'refresh',
          handle: ({ params }, now) => {
            const refreshed = now === 'ok' && authenticated(params) ? acme.grants.refresh(params.refresh_token, true) : undefined;
            return refreshed ? tokenAnswer(refreshed, acme.grants.scopeOf(refreshed.accessToken) ?? '') : INVALID_GRANT;
          },
        },
        [`GET ${ACME_PATHS.userinfo}`]: {
          behavior: 'me',
          handle: ({ headers }, now) => {
            const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
            if (now === 'token-expired' || acme.grants.scopeOf(token) === undefined) return { body: { code: 40101, message: 'token expired' } };
            const { uid, nick, mail } = acme.user;
            return { body: { code: 0, data: { uid, nick, mail, avatar: `https://cdn.acme.example/u/${uid}.png` } } };
          },
        },
      };
    },
  });
}
