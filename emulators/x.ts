/**
 * X's OAuth 2.0 (confidential client) and /2/users/me on the platform emulator, answering as X's documents say:
 * - https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
 * - https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
 * - the API reference's GET /2/users/me (`{"data": {...}}`, `confirmed_email`, problem+json errors)
 * - token errors as reported: https://github.com/plhery/node-twitter-api-v2/issues/496,
 *   https://github.com/unasuke/omniauth-twitter2/issues/4
 * PKCE S256 is checked; the client must authenticate with HTTP Basic (401 `unauthorized_client`
 * without it); refresh tokens are single use and rotate; a refresh token only with `offline.access`.
 */
import { randomBytes } from 'node:crypto';
import type { Outage } from './emulator-server.js';
import {
  authorizeRoute,
  basicCredentials,
  refreshByGrantType,
  startPlatformEmulator,
  tokenEndpointRoutes,
  type Answer,
  type EmulatorRequest,
  type PlatformEmulator,
  type TokenPair,
  type Authorize,
} from './platform-emulator.js';

export interface XBehavior extends Record<string, string> {
  authorize: Authorize;
  token: 'ok' | 'invalid-code' | Outage;
  refresh: 'ok' | 'invalid-token';
  me: 'ok' | 'unauthorized' | Outage;
  revoke: 'ok' | Outage;
}

export interface XUser {
  /** A 64-bit id, as a string. */
  id: string;
  name: string;
  username: string;
  profile_image_url: string;
  confirmed_email: string;
}

export type XEmulator = PlatformEmulator<XBehavior, XUser>;

export const X_PATHS = { authorization: '/i/oauth2/authorize', token: '/2/oauth2/token', userinfo: '/2/users/me', revocation: '/2/oauth2/revoke' };

const oauthError = (status: number, error: string, description: string): Answer => ({ status, body: { error, error_description: description } });

export function startXEmulator(): Promise<XEmulator> {
  return startPlatformEmulator<XBehavior, XUser>({
    name: 'X',
    behavior: { authorize: 'approve', token: 'ok', refresh: 'ok', me: 'ok', revoke: 'ok' },
    user: () => ({
      id: '1346889436626259968',
      name: 'X Developers',
      username: 'XDevelopers',
      profile_image_url: 'https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_normal.jpg',
      confirmed_email: 'xdevelopers@example.test',
    }),
    clientId: () => randomBytes(18).toString('base64url'),
    tokens: { code: '', access: '', refresh: '', encoding: 'base64url' },
    expiresIn: 7200,
    contentType: 'application/json;charset=utf-8',
    notFound: { status: 404, type: 'application/problem+json', body: { title: 'Not Found Error', type: 'https://api.twitter.com/2/problems/resource-not-found', detail: 'Not Found' } },
    routeOf: refreshByGrantType('grant_type'),
    routes: (x) => {
      /** A confidential client "will need to use a basic authentication scheme". */
      const refusedClient = (request: EmulatorRequest): Answer | undefined => {
        const client = basicCredentials(request.headers);
        if (!client || client.clientId !== x.clientId || client.clientSecret !== x.clientSecret) {
          return oauthError(401, 'unauthorized_client', 'Missing valid authorization header');
        }
        return undefined;
      };
      /** A refresh token comes only with `offline.access`. */
      const tokenAnswer = ({ accessToken, refreshToken }: TokenPair, scope: string): Answer => ({
        body: {
          token_type: 'bearer',
          expires_in: x.expiresIn,
          access_token: accessToken,
          scope,
          ...(scope.split(' ').includes('offline.access') ? { refresh_token: refreshToken } : {}),
        },
      });
      return {
        [`GET ${X_PATHS.authorization}`]: authorizeRoute<XBehavior>(x, {
          valid: (query) => query.client_id === x.clientId && query.response_type === 'code' && query.code_challenge !== undefined,
          invalid: { status: 400, type: 'text/html; charset=utf-8', body: '<html><body>Something went wrong</body></html>' },
          pkce: true,
          deny: (back) => back.searchParams.set('error', 'access_denied'),
        }),
        ...tokenEndpointRoutes<XBehavior>(x, X_PATHS.token, {
          refusedClient,
          answer: tokenAnswer,
          refusedCode: oauthError(400, 'invalid_request', 'Value passed for the authorization code was invalid.'),
          refusedRefresh: oauthError(400, 'invalid_request', 'Value passed for the token was invalid.'),
        }),
        [`GET ${X_PATHS.userinfo}`]: {
          behavior: 'me',
          handle: ({ headers, query }, now) => {
            const scope = x.grants.scopeOf(/^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1]);
            if (now === 'unauthorized' || scope === undefined) {
              return { status: 401, type: 'application/problem+json', body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };
            }
            const { id, name, username, profile_image_url, confirmed_email } = x.user;
            const fields = query['user.fields']?.split(',') ?? [];
            const emailAllowed = scope.split(' ').includes('users.email');
            return {
              body: {
                data: {
                  id,
                  name,
                  username,
                  ...(fields.includes('profile_image_url') ? { profile_image_url } : {}),
                  ...(fields.includes('confirmed_email') && emailAllowed ? { confirmed_email } : {}),
                },
              },
            };
          },
        },
        [`POST ${X_PATHS.revocation}`]: {
          behavior: 'revoke',
          handle: (request) => refusedClient(request) ?? { body: { revoked: true } },
        },
      };
    },
  });
}
