import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { AuthBffError } from '../errors.js';
import { createProviderFetch } from '../http/provider-fetch.js';
import { checkCallbackIssuer } from './callback-issuer.js';
import { endpointOverrides, endpointUrl, providerBase } from './config-fields.js';
import { cachedDiscovery } from './discovery.js';
import { createPlatformCall, present, type PlatformCall } from './engine/platform-call.js';
import { authorizationParams, ERROR_MEMBER, refreshCall, revocationCall, tokenCall } from './engine/rfc6749.js';
import { isJsonObject } from './json-body.js';
import { createProviderJwtVerifier, JWKS_REFETCH_COOLDOWN_MS } from './provider-jwt.js';
import type {
  AuthorizationRequest,
  Identity,
  LoginTransaction,
  LogoutTokenClaims,
  Provider,
  ProviderContext,
  ProviderType,
  TokenResult,
  TokenSet,
} from './provider.js';
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

/** ID token claims about the token itself rather than the user (OIDC Core §2); kept out of the profile. */
const PROTOCOL_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'at_hash', 'c_hash', 'auth_time', 'azp', 'sid', 'acr', 'amr', 'jti'];

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

function endpoint(url: string | undefined, name: string): string {
  if (url === undefined) throw new AuthBffError('provider_unavailable', `The provider has no ${name} endpoint.`);
  return url;
}

/**
 * An answer the engine has read, handed to `oauth4webapi` as the JSON response it
 * validates (the ID token's claims, OIDC Core §3.1.3.7); refusals and statuses were
 * the engine's to judge.
 */
const asJsonResponse = (answer: unknown) => new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } });

/**
 * OpenID Connect: discovery, ID token validation with signature, userinfo whose
 * `sub` must match, RP-initiated and back-channel logout. The OAuth 2.0 part is the
 * engine's, as for every platform: the authorization parameters, the `iss` check and
 * the token endpoint's calls (engine/rfc6749.ts, callback-issuer.ts, engine/platform-call.ts);
 * what the token endpoint answers is then validated by `oauth4webapi` and `jose`.
 */
class OidcProvider implements Provider {
  readonly usesNonce = true;
  readonly id: string;
  readonly name: string;
  readonly type = 'oidc';
  private readonly client: oauth.Client;
  private readonly fetch: typeof fetch;
  private readonly send: PlatformCall;
  private readonly discover: () => Promise<oauth.AuthorizationServer>;
  private readonly verifyJwt: ReturnType<typeof createProviderJwtVerifier>;

  constructor(
    private readonly config: OidcConfig,
    context: ProviderContext,
  ) {
    const httpTimeoutMs = config.httpTimeoutMs ?? context.httpTimeoutMs;
    this.id = config.id;
    this.name = config.name ?? config.id;
    this.client = { client_id: config.clientId };
    this.fetch = createProviderFetch(httpTimeoutMs);
    this.send = createPlatformCall({ name: this.name, refusals: [ERROR_MEMBER] }, config, this.fetch);
    this.discover = cachedDiscovery(config.issuer, this.fetch);
    this.verifyJwt = createProviderJwtVerifier(this.fetch, httpTimeoutMs, config.jwksRefetchCooldownMs);
  }

  /** The insecure-request flag is safe: the provider fetch itself refuses plain http off loopback. */
  private get requestOptions() {
    return { [oauth.customFetch]: this.fetch, [oauth.allowInsecureRequests]: true };
  }

  /** The discovered metadata, with the configured endpoints in place of the discovered ones. */
  private async server(): Promise<oauth.AuthorizationServer> {
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

  async authorizationUrl({ redirectUri, state, codeChallenge, nonce }: AuthorizationRequest) {
    const as = await this.server();
    const url = new URL(endpoint(as.authorization_endpoint, 'authorization'));
    const params = { ...authorizationParams({ config: this.config, redirectUri, state, codeChallenge }), nonce };
    for (const [name, value] of present(params)) url.searchParams.set(name, value);
    return { url, issuer: as.issuer };
  }

  async exchangeCode(callback: URLSearchParams, transaction: LoginTransaction, redirectUri: string): Promise<TokenResult> {
    const as = await this.server();
    checkCallbackIssuer(callback, transaction, { issuer: as.issuer, promisesIss: as.authorization_response_iss_parameter_supported });
    const context = { config: this.config, code: callback.get('code') ?? '', codeVerifier: transaction.codeVerifier, redirectUri };
    const answer = await this.send(tokenCall(this.config.tokenEndpointAuthMethod), endpoint(as.token_endpoint, 'token'), context, 'token');
    const body = await oauth.processAuthorizationCodeResponse(as, this.client, asJsonResponse(answer), { expectedNonce: transaction.nonce, requireIdToken: true });
    return this.acceptTokenResponse(as, body);
  }

  /** The ID token's signature, which `oauth4webapi` leaves to the caller. Logins demand an ID token (requireIdToken); a refresh answer may carry none (OIDC Core §12.2). */
  private async acceptTokenResponse(as: oauth.AuthorizationServer, body: oauth.TokenEndpointResponse): Promise<TokenResult> {
    const tokens: TokenSet = {
      access_token: body.access_token,
      token_type: body.token_type,
      expires_at: body.expires_in === undefined ? undefined : Math.floor(Date.now() / 1000) + body.expires_in,
      refresh_token: body.refresh_token,
      id_token: body.id_token,
      scope: body.scope,
    };
    if (body.id_token === undefined) return { tokens };
    await this.verifyJwt(body.id_token, as, this.config.clientId);
    return { tokens, idTokenClaims: { ...oauth.getValidatedIdTokenClaims(body) } };
  }

  /**
   * RFC 6749 §6: the provider may keep the refresh token (and the ID token) it issued before.
   * OIDC Core §12.2: an ID token a refresh returns must name the same issuer and user, else the refresh is refused (and the session ends).
   */
  async refresh(tokens: TokenSet): Promise<TokenSet> {
    if (tokens.refresh_token === undefined) throw new AuthBffError('unauthenticated', 'The session has no refresh token.');
    const as = await this.server();
    const url = endpoint(this.config.endpoints?.refresh ?? as.token_endpoint, 'token');
    const answer = await this.send(refreshCall(this.config.tokenEndpointAuthMethod), url, { config: this.config, tokens }, 'refresh');
    const fresh = (await this.acceptTokenResponse(as, await oauth.processRefreshTokenResponse(as, this.client, asJsonResponse(answer)))).tokens;
    const refreshed = { ...fresh, refresh_token: fresh.refresh_token ?? tokens.refresh_token, id_token: fresh.id_token ?? tokens.id_token };
    if (tokens.id_token === undefined || refreshed.id_token === undefined || refreshed.id_token === tokens.id_token) return refreshed;
    // Both were verified when they arrived; only their claims are compared here.
    const [before, after] = [decodeJwt(tokens.id_token), decodeJwt(refreshed.id_token)];
    if (after.iss !== before.iss || after.sub !== before.sub) {
      throw new AuthBffError('invalid_id_token', 'The ID token of a refresh names another issuer or user.', { reason: 'refresh_id_token_other_user' });
    }
    return refreshed;
  }

  /** RFC 7009, where discovery or the config names a revocation endpoint. */
  async revoke(tokens: TokenSet) {
    const as = await this.server();
    if (as.revocation_endpoint === undefined) return;
    await this.send(revocationCall(this.config.tokenEndpointAuthMethod), as.revocation_endpoint, { config: this.config, tokens }, 'revocation');
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
    const refuse = (message: string, reason: string) => new AuthBffError('invalid_request', message, { reason });
    if (!isJsonObject(events) || !isJsonObject(events[BACKCHANNEL_LOGOUT_EVENT])) {
      throw refuse('The logout token has no back-channel logout event.', 'logout_token_event_missing');
    }
    if ('nonce' in claims) throw refuse('A logout token must not carry a nonce.', 'logout_token_nonce_present');
    if (typeof sid !== 'string' && typeof sub !== 'string') throw refuse('The logout token names neither sid nor sub.', 'logout_token_subject_missing');
    return { jti: String(jti), sid: typeof sid === 'string' ? sid : undefined };
  }
}

export const oidcProviderType: ProviderType<typeof configSchema> = {
  type: 'oidc',
  configSchema,
  create: (config, context) => new OidcProvider(config, context),
};
