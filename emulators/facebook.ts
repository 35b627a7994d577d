/**
 * Facebook Login and the Graph API's /me on the platform emulator, answering as Facebook's documents say:
 * - https://developers.facebook.com/docs/facebook-login/manually-build-a-login-flow#confirm
 * - https://developers.facebook.com/docs/graph-api/securing-requests#appsecret_proof
 * - https://developers.facebook.com/docs/graph-api/reference/user#Reading
 * - error bodies as reported: https://github.com/laravel/socialite/issues/385,
 *   https://github.com/thephpleague/oauth2-facebook/issues/17
 * Every address is under the Graph version; errors are HTTP 400 Graph error objects; a call with a
 * token and no (or a wrong) `appsecret_proof` is refused, as with "Require App Secret" on. No refresh tokens.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Outage } from './emulator-server.js';
import { authorizeRoute, startPlatformEmulator, type Answer, type PlatformEmulator, type Authorize } from './platform-emulator.js';

export interface FacebookBehavior extends Record<string, string> {
  authorize: Authorize;
  token: 'ok' | 'used-code' | Outage;
  me: 'ok' | 'invalid-token' | Outage;
}

export interface FacebookUser {
  /** App-scoped. */
  id: string;
  name: string;
  /** Absent when the user has no usable address or declined the permission. */
  email?: string;
  picture: string;
}

export type FacebookEmulator = PlatformEmulator<FacebookBehavior, FacebookUser>;

export const FACEBOOK_VERSION = 'v26.0';

export const FACEBOOK_PATHS = {
  authorization: `/${FACEBOOK_VERSION}/dialog/oauth`,
  token: `/${FACEBOOK_VERSION}/oauth/access_token`,
  userinfo: `/${FACEBOOK_VERSION}/me`,
};

const graphError = (message: string, type: string, code: number): Answer => ({
  status: 400,
  body: { error: { message, type, code, fbtrace_id: randomBytes(8).toString('base64url') } },
});

export const appsecretProof = (accessToken: string, appSecret: string) => createHmac('sha256', appSecret).update(accessToken).digest('hex');

export function startFacebookEmulator(): Promise<FacebookEmulator> {
  return startPlatformEmulator<FacebookBehavior, FacebookUser>({
    name: 'Facebook',
    behavior: { authorize: 'approve', token: 'ok', me: 'ok' },
    user: () => ({
      id: '10158823456789012',
      name: 'Mark Example',
      email: 'mark@example.test',
      picture: 'https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10158823456789012&height=50&width=50&ext=1767225600&hash=AbC',
    }),
    clientId: () => String(100_000_000_000_000 + randomBytes(4).readUInt32BE()),
    // Facebook issues no refresh token: the framework's are minted but never sent.
    tokens: { code: 'AQ', access: 'EAA', refresh: '', encoding: 'base64url' },
    expiresIn: 5183944,
    contentType: 'application/json; charset=UTF-8',
    notFound: { status: 400, body: { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500 } } },
    routes: (facebook) => ({
      [`GET ${FACEBOOK_PATHS.authorization}`]: authorizeRoute<FacebookBehavior>(facebook, {
        valid: (query) => query.client_id === facebook.clientId && query.response_type === 'code',
        invalid: { status: 200, type: 'text/html; charset="utf-8"', body: '<html><body>Invalid App ID</body></html>' },
        deny: (back) => {
          back.searchParams.set('error_reason', 'user_denied');
          back.searchParams.set('error', 'access_denied');
          back.searchParams.set('error_description', 'The user denied your request.');
        },
      }),
      // The documents show a GET with every parameter in the query; a POSTed form is taken as well.
      [`POST ${FACEBOOK_PATHS.token}`]: {
        behavior: 'token',
        handle: ({ params }, now) => {
          if (params.client_id !== facebook.clientId || params.client_secret !== facebook.clientSecret) {
            return graphError('Error validating client secret.', 'OAuthException', 1);
          }
          const redeemed = facebook.grants.redeem(params.code, { redirectUri: params.redirect_uri });
          if (now === 'used-code' || typeof redeemed === 'string') return graphError('This authorization code has been used.', 'OAuthException', 100);
          const { accessToken } = facebook.grants.tokens(redeemed.scope);
          return { body: { access_token: accessToken, token_type: 'bearer', expires_in: facebook.expiresIn } };
        },
      },
      [`GET ${FACEBOOK_PATHS.userinfo}`]: {
        behavior: 'me',
        handle: ({ headers, query }, now) => {
          const accessToken = /^(?:Bearer|OAuth) (.+)$/.exec(headers.authorization ?? '')?.[1] ?? query.access_token;
          if (now === 'invalid-token' || facebook.grants.scopeOf(accessToken) === undefined) {
            return graphError('Invalid OAuth access token - Cannot parse access token', 'OAuthException', 190);
          }
          if (query.appsecret_proof === undefined) return graphError('API calls from the server require an appsecret_proof argument', 'GraphMethodException', 100);
          if (query.appsecret_proof !== appsecretProof(accessToken ?? '', facebook.clientSecret)) {
            return graphError('Invalid appsecret_proof provided in the API argument', 'GraphMethodException', 100);
          }
          const { id, name, email, picture } = facebook.user;
          // Without `fields`, only the defaults.
          const all: Record<string, unknown> = { id, name, email, picture: { data: { height: 50, is_silhouette: false, url: picture, width: 50 } } };
          const fields = query.fields?.split(',') ?? ['id', 'name'];
          return { body: Object.fromEntries(fields.flatMap((field) => (all[field] === undefined ? [] : [[field, all[field]]]))) };
        },
      },
    }),
  });
}
