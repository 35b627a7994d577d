import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { endpointUrl, providerBase } from './config-fields.js';
import { AuthBffError } from '../errors.js';
import { isJsonObject, readJsonBody } from './json-body.js';
import type { Identity, ProviderContext, ProviderType, TokenResult } from './provider.js';
import { StandardProvider } from './standard.js';
import { mapUser, pickSubject, STANDARD_ID_FIELDS, STANDARD_USER_FIELDS, type UserFieldMap } from './user-fields.js';

const profileKey = z.string().min(1);

const configSchema = providerBase
  .extend({
    type: z.literal('oauth2'),
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
  })
  .strict();

type OAuth2Config = z.infer<typeof configSchema>;
export type OAuth2ProviderConfig = z.input<typeof configSchema>;
/** An `oauth2` entry, or a built-in type's entry completed with its platform's endpoints and fields. */
export type OAuth2Settings = Omit<OAuth2Config, 'type'> & { type: string };

/** Plain OAuth 2.0 with explicit endpoints: the userinfo call tells who the token belongs to. */
export class OAuth2Provider extends StandardProvider {
  readonly usesNonce = false;
  protected readonly issuerKnown: boolean;
  private readonly as: oauth.AuthorizationServer;
  private readonly idFields: readonly string[];
  private readonly userFields: UserFieldMap;

  constructor(config: OAuth2Settings, context: ProviderContext) {
    super({
      ...config,
      name: config.name ?? config.id,
      httpTimeoutMs: config.httpTimeoutMs ?? context.httpTimeoutMs,
      refreshEndpoint: config.endpoints.refresh,
    });
    this.issuerKnown = config.issuer !== undefined;
    this.as = {
      issuer: config.issuer ?? new URL(config.endpoints.authorization).origin,
      authorization_endpoint: config.endpoints.authorization,
      token_endpoint: config.endpoints.token,
      userinfo_endpoint: config.endpoints.userinfo,
      revocation_endpoint: config.endpoints.revocation,
    };
    const { id, ...fields } = config.userFields ?? {};
    this.idFields = id === undefined ? STANDARD_ID_FIELDS : [id];
    this.userFields = {
      ...STANDARD_USER_FIELDS,
      ...Object.fromEntries(Object.entries(fields).map(([field, key]) => [field, [key]])),
    };
  }

  protected async server() {
    return this.as;
  }

  async resolveIdentity({ tokens }: TokenResult): Promise<Identity> {
    const response = await oauth.userInfoRequest(this.as, this.client, tokens.access_token, this.requestOptions);
    if (!response.ok) throw new AuthBffError('profile_failed', `The userinfo endpoint answered HTTP ${response.status}.`);
    const profile = await readJsonBody(response);
    if (!isJsonObject(profile)) throw new AuthBffError('profile_failed', 'The userinfo endpoint did not answer a JSON object.');
    return { subject: pickSubject(profile, this.idFields), claims: profile };
  }

  async fetchProfile(_result: TokenResult, identity: Identity) {
    return identity.claims;
  }

  toUser(profile: Record<string, unknown>) {
    return mapUser(profile, this.userFields);
  }
}

export const oauth2ProviderType: ProviderType<typeof configSchema> = {
  type: 'oauth2',
  configSchema,
  create: (config, context) => new OAuth2Provider(config, context),
};
