/**
 * Discord's OAuth 2.0 and /users/@me on the platform emulator, answering as Discord's documents say:
 * - https://discord.com/developers/docs/topics/oauth2#shared-resources-oauth2-urls
 * - https://discord.com/developers/docs/resources/user#user-object
 * - token errors: https://github.com/discord/discord-api-docs/issues/5579
 * The token endpoint takes form bodies only and the client by Basic or in the body; its errors
 * are RFC 6749 JSON with HTTP 400; the API refuses a bad token with 401 `{"message", "code"}`.
 * Ids are snowflake strings past 2^53. This emulator rotates refresh tokens (UNCONFIRMED at
 * Discord) so that the BFF is seen to keep the one each answer brings.
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

export interface DiscordBehavior extends Record<string, string> {
  authorize: Authorize;
  token: 'ok' | 'invalid-grant' | Outage;
  refresh: 'ok' | 'invalid-grant';
  user: 'ok' | 'unauthorized' | Outage;
  revoke: 'ok' | Outage;
}

export interface DiscordUser {
  id: string;
  username: string;
  /** "0" on the new username system. */
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  email: string;
  verified: boolean;
  locale: string;
}

export type DiscordEmulator = PlatformEmulator<DiscordBehavior, DiscordUser>;

export const DISCORD_PATHS = {
  authorization: '/oauth2/authorize',
  token: '/api/oauth2/token',
  userinfo: '/api/users/@me',
  revocation: '/api/oauth2/token/revoke',
};

const oauthError = (status: number, error: string, description?: string): Answer => ({
  status,
  body: description === undefined ? { error } : { error, error_description: description },
});
const INVALID_GRANT = oauthError(400, 'invalid_grant', 'Invalid "code" in request.');

/** The client, by Basic or in the form body (both documented). */
function clientOf({ headers, body }: EmulatorRequest) {
  return basicCredentials(headers) ?? { clientId: body.client_id, clientSecret: body.client_secret };
}

export function startDiscordEmulator(): Promise<DiscordEmulator> {
  return startPlatformEmulator<DiscordBehavior, DiscordUser>({
    name: 'Discord',
    behavior: { authorize: 'approve', token: 'ok', refresh: 'ok', user: 'ok', revoke: 'ok' },
    // The user object example of the documents: an id past 2^53.
    user: () => ({
      id: '80351110224678912',
      username: 'nelly',
      discriminator: '0',
      global_name: 'Nelly',
      avatar: '8342729096ea3675442027381ff50dfe',
      email: 'nelly@discord.com',
      verified: true,
      locale: 'en-US',
    }),
    clientId: () => String(1_000_000_000_000_000_000n + BigInt(randomBytes(4).readUInt32BE())),
    tokens: { code: '', access: '', refresh: '', encoding: 'base64url' },
    expiresIn: 604800,
    contentType: 'application/json',
    notFound: { status: 404, body: { message: '404: Not Found', code: 0 } },
    routeOf: refreshByGrantType('grant_type'),
    routes: (discord) => {
      /** The token endpoint's checks for both grants: a form body, and the app's credentials. */
      const refusedClient = (request: EmulatorRequest): Answer | undefined => {
        if (!/^application\/x-www-form-urlencoded/.test(request.headers['content-type'] ?? '')) return oauthError(400, 'unsupported_grant_type');
        const client = clientOf(request);
        return client.clientId === discord.clientId && client.clientSecret === discord.clientSecret ? undefined : oauthError(401, 'invalid_client');
      };
      const tokenAnswer = ({ accessToken, refreshToken }: TokenPair, scope: string): Answer => ({
        body: { access_token: accessToken, token_type: 'Bearer', expires_in: discord.expiresIn, refresh_token: refreshToken, scope },
      });
      return {
        [`GET ${DISCORD_PATHS.authorization}`]: authorizeRoute<DiscordBehavior>(discord, {
          valid: (query) => query.client_id === discord.clientId && query.response_type === 'code',
          invalid: { status: 400, type: 'text/html', body: '<html><body>Invalid OAuth2 redirect_uri</body></html>' },
          deny: (back) => {
            back.searchParams.set('error', 'access_denied');
            back.searchParams.set('error_description', 'The resource owner or authorization server denied the request');
          },
        }),
        ...tokenEndpointRoutes<DiscordBehavior>(discord, DISCORD_PATHS.token, {
          refusedClient,
          answer: tokenAnswer,
          refusedCode: INVALID_GRANT,
          refusedRefresh: oauthError(400, 'invalid_grant'),
        }),
        [`GET ${DISCORD_PATHS.userinfo}`]: {
          behavior: 'user',
          handle: ({ headers }, now) => {
            const scope = discord.grants.scopeOf(/^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1]);
            if (now === 'unauthorized' || scope === undefined) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
            const { email, verified, ...identify } = discord.user;
            const withEmail = scope.split(' ').includes('email') ? { email, verified } : {};
            return { body: { ...identify, flags: 0, public_flags: 0, mfa_enabled: false, premium_type: 0, ...withEmail } };
          },
        },
        [`POST ${DISCORD_PATHS.revocation}`]: {
          behavior: 'revoke',
          handle: (request) => refusedClient(request) ?? { body: {} },
        },
      };
    },
  });
}
