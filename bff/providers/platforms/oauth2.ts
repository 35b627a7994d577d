import { z } from 'zod';
import { clientSecret, endpointUrl, providerEntry } from '../config-fields.js';
import { PlatformProvider } from '../engine/platform-provider.js';
import type { PlatformConfig, PlatformSpec } from '../engine/platform-spec.js';
import { authorizationParams, bearer, ERROR_MEMBER, refreshCall, revocationCall, TOKEN_PROBE, tokenCall } from '../engine/rfc6749.js';
import { FULL_REDIRECT_URI } from '../platform-guide.js';
import type { ProviderType } from '../provider.js';
import { STANDARD_ID_FIELDS, STANDARD_USER_FIELDS } from '../user-fields.js';

const profileKey = z.string().min(1);

/** The entry's own fields: a plain OAuth 2.0 server is described by its config, since no document names it. */
const shape = {
  type: z.literal('oauth2'),
  clientSecret,
  /** The server's issuer identifier, when it has one: enables the RFC 9207 `iss` check. */
  issuer: z.string().min(1).optional(),
  endpoints: z
    .object({
      authorization: endpointUrl,
      token: endpointUrl,
      userinfo: endpointUrl,
      refresh: endpointUrl.optional(),
      revocation: endpointUrl.optional(),
    })
    .strict(),
  scope: z.string().default(''),
  tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
  /** Which userinfo keys hold the user's id and profile fields, when they are not the usual ones. */
  userFields: z
    .object({
      id: profileKey,
      name: profileKey,
      username: profileKey,
      email: profileKey,
      emailVerified: profileKey,
      avatarUrl: profileKey,
      locale: profileKey,
    })
    .partial()
    .strict()
    .optional(),
};

const configSchema = providerEntry.extend(shape).strict();

/**
 * Plain OAuth 2.0 (RFC 6749 §4.1 with PKCE) as a platform on the engine, its data
 * taken from the entry: the endpoints, how the client authenticates, and which
 * userinfo keys hold the user; userinfo tells who the token belongs to.
 */
function specOf(config: PlatformConfig<typeof shape>): PlatformSpec<typeof shape> {
  const { id, ...fields } = config.userFields ?? {};
  const method = config.tokenEndpointAuthMethod;
  return {
    type: 'oauth2',
    name: config.id,
    issuer: config.issuer,
    endpoints: config.endpoints,
    scope: config.scope,
    config: shape,
    authorization: { params: authorizationParams },
    token: tokenCall(method),
    refresh: refreshCall(method),
    revocation: config.endpoints.revocation === undefined ? undefined : revocationCall(method),
    userinfo: { method: 'GET', headers: bearer },
    refusals: [ERROR_MEMBER],
    user: {
      ...STANDARD_USER_FIELDS,
      ...Object.fromEntries(Object.entries(fields).map(([field, key]) => [field, [key]])),
      idFrom: 'userinfo',
      id: id === undefined ? STANDARD_ID_FIELDS : [id],
    },
    registration: { tokenProbe: TOKEN_PROBE },
  };
}

export const oauth2: ProviderType<typeof configSchema> = {
  type: 'oauth2',
  configSchema,
  registration: { tokenProbe: TOKEN_PROBE },
  create: (config, context) => new PlatformProvider(specOf(config), config, context),
  guide: {
    title: 'Any OAuth 2.0 server',
    ids: 'the first of `sub`, `id`, `user_id` in userinfo, or `userFields.id`',
    refresh: 'when it gives a refresh token',
    revocation: 'with `endpoints.revocation`',
    console: "your server's",
    redirect: FULL_REDIRECT_URI,
    localDevelopment: "the server's rules",
  },
};
