import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { AuthBffError } from '../errors.js';
import { endpointOverrides, endpointUrl, providerBase } from './config-fields.js';
import { cachedDiscovery } from './discovery.js';
import { isJsonObject } from './json-body.js';
import { createProviderJwtVerifier, JWKS_REFETCH_COOLDOWN_MS } from './provider-jwt.js';
import type { Identity, LogoutTokenClaims, ProviderContext, ProviderType, TokenResult, TokenSet } from './provider.js';
import { StandardProvider } from './standard.js';
import { mapUser, STANDARD_USER_FIELDS } from './user-fields.js';

const configSchema = providerBase
  .extend({
    type: z.literal('oidc'),
    issuer: endpointUrl,
    scope: z.string().regex(/(^|\s)openid(\s|$)/, 'must include "openid"').default('openid profile email'),
    endpoints: endpointOverrides.omit({ identity: true }).optional(),
    tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
    /** Puts the ID token in the end-session URL; off by default since that puts it in the address bar. */
    endSessionIdTokenHint: z.boolean().default(false),
    /** An unknown `kid` re-fetches the JWKS at most once per this many ms. */
    jwksRefetchCooldownMs: z.number().int().min(10).max(300_000).default(JWKS_REFETCH_COOLDOWN_MS),
  })
  .strict();

type OidcConfig = z.infer<typeof configSchema>;
export type OidcProviderConfig = z.input<typeof configSchema>;

/** ID token claims about the token itself rather than the user (OIDC Core §2); kept out of the profile. */
const PROTOCOL_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'at_hash', 'c_hash', 'auth_time', 'azp', 'sid', 'acr', 'amr', 'jti'];

/** OpenID Connect: discovery, ID token validation with signature, userinfo whose `sub` must match. */
class OidcProvider extends StandardProvider {
  readonly usesNonce = true;
  protected readonly issuerKnown = true;
  private readonly discover: () => Promise<oauth.AuthorizationServer>;
  private readonly verifyJwt: ReturnType<typeof createProviderJwtVerifier>;

  constructor(
    private readonly config: OidcConfig,
    context: ProviderContext,
  ) {
    const httpTimeoutMs = config.httpTimeoutMs ?? context.httpTimeoutMs;
    super({ ...config, name: config.name ?? config.id, httpTimeoutMs, refreshEndpoint: config.endpoints?.refresh });
    this.discover = cachedDiscovery(config.issuer, this.fetch);
    this.verifyJwt = createProviderJwtVerifier(this.fetch, httpTimeoutMs, config.jwksRefetchCooldownMs);
  }

  protected async server(): Promise<oauth.AuthorizationServer> {
    const discovered = await this.discover();
    const endpoints = this.config.endpoints;
    return {
      ...discovered,
      authorization_endpoint: endpoints?.authorization ?? discovered.authorization_endpoint,
      token_endpoint: endpoints?.token ?? discovered.token_endpoint,
      userinfo_endpoint: endpoints?.userinfo ?? discovered.userinfo_endpoint,
      revocation_endpoint: endpoints?.revocation ?? discovered.revocation_endpoint,
      end_session_endpoint: endpoints?.endSession ?? discovered.end_session_endpoint,
    };
  }

  protected override async acceptTokenResponse(as: oauth.AuthorizationServer, body: oauth.TokenEndpointResponse) {
    const result = await super.acceptTokenResponse(as, body);
    // Logins demand an ID token (requireIdToken); a refresh answer may carry none (OIDC Core §12.2).
    if (body.id_token === undefined) return result;
    await this.verifyJwt(body.id_token ?? '', as, this.config.clientId);
    return { ...result, idTokenClaims: { ...oauth.getValidatedIdTokenClaims(body) } };
  }

  /** OIDC Core §12.2: an ID token a refresh returns must name the same issuer and user, else the refresh is refused (and the session ends). */
  override async refresh(tokens: TokenSet): Promise<TokenSet> {
    const refreshed = await super.refresh(tokens);
    if (tokens.id_token === undefined || refreshed.id_token === undefined || refreshed.id_token === tokens.id_token) return refreshed;
    // Both were verified when they arrived; only their claims are compared here.
    const [before, after] = [decodeJwt(tokens.id_token), decodeJwt(refreshed.id_token)];
    if (after.iss !== before.iss || after.sub !== before.sub) {
      throw new AuthBffError('invalid_id_token', 'The ID token of a refresh names another issuer or user.', { reason: 'refresh_id_token_other_user' });
    }
    return refreshed;
  }

  async resolveIdentity({ idTokenClaims = {} }: TokenResult): Promise<Identity> {
    const { sub, sid } = idTokenClaims;
    return {
      subject: String(sub),
      sid: typeof sid === 'string' ? sid : undefined,
      claims: Object.fromEntries(Object.entries(idTokenClaims).filter(([claim]) => !PROTOCOL_CLAIMS.includes(claim))),
    };
  }

  async fetchProfile({ tokens }: TokenResult, identity: Identity) {
    const as = await this.server();
    if (as.userinfo_endpoint === undefined) return identity.claims;
    const response = await oauth.userInfoRequest(as, this.client, tokens.access_token, this.requestOptions);
    // OIDC Core §5.3.2: the userinfo `sub` must equal the ID token's, else the answer is not about this user.
    const userinfo = await oauth.processUserInfoResponse(as, this.client, identity.subject, response);
    return { ...identity.claims, ...userinfo };
  }

  toUser(profile: Record<string, unknown>) {
    return mapUser(profile, STANDARD_USER_FIELDS);
  }

  async endSessionUrl(tokens: TokenSet, options: { postLogoutRedirectUri: string; state: string }) {
    const as = await this.server();
    if (as.end_session_endpoint === undefined) return undefined;
    // OIDC RP-Initiated Logout 1.0 §2.
    const url = new URL(as.end_session_endpoint);
    url.searchParams.set('client_id', this.config.clientId);
    url.searchParams.set('post_logout_redirect_uri', options.postLogoutRedirectUri);
    url.searchParams.set('state', options.state);
    if (this.config.endSessionIdTokenHint && tokens.id_token) url.searchParams.set('id_token_hint', tokens.id_token);
    return url.href;
  }

  /** OIDC Back-Channel Logout 1.0 §2.6: the logout token's checks. */
  async verifyLogoutToken(logoutToken: string): Promise<LogoutTokenClaims> {
    const as = await this.server();
    const claims = await this.verifyJwt(logoutToken, as, this.config.clientId, {
      requiredClaims: ['iat', 'jti', 'events'],
      maxTokenAge: '5m',
    });
    const { events, sid, sub, jti } = claims;
    if (!isJsonObject(events) || !isJsonObject(events[BACKCHANNEL_LOGOUT_EVENT])) throw new Error('the logout token has no back-channel logout event');
    if ('nonce' in claims) throw new Error('a logout token must not carry a nonce');
    if (typeof sid !== 'string' && typeof sub !== 'string') throw new Error('the logout token names neither sid nor sub');
    return { jti: String(jti), sid: typeof sid === 'string' ? sid : undefined };
  }
}

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export const oidcProviderType: ProviderType<typeof configSchema> = {
  type: 'oidc',
  configSchema,
  create: (config, context) => new OidcProvider(config, context),
};
