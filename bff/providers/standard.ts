import * as oauth from 'oauth4webapi';
import { AuthBffError } from '../errors.js';
import { createProviderFetch } from '../http/provider-fetch.js';
import type {
  AuthorizationRequest,
  Identity,
  LoginTransaction,
  Provider,
  ProviderUser,
  TokenResult,
  TokenSet,
} from './provider.js';

export interface StandardProviderSettings {
  id: string;
  name: string;
  type: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  httpTimeoutMs: number;
  /** Where refresh grants go when it is not the token endpoint. */
  refreshEndpoint?: string;
}

/**
 * The generic OAuth 2.0 authorization code flow (RFC 6749 §4.1, PKCE RFC 7636,
 * `iss` RFC 9207) on `oauth4webapi`. Standard platforms are this plus data;
 * subclasses say how the id and the profile are found.
 */
export abstract class StandardProvider implements Provider {
  abstract readonly usesNonce: boolean;
  protected readonly client: oauth.Client;
  protected readonly clientAuth: oauth.ClientAuth;
  protected readonly fetch: typeof fetch;

  constructor(protected readonly settings: StandardProviderSettings) {
    this.client = { client_id: settings.clientId };
    this.clientAuth =
      settings.tokenEndpointAuthMethod === 'client_secret_post'
        ? oauth.ClientSecretPost(settings.clientSecret)
        : oauth.ClientSecretBasic(settings.clientSecret);
    this.fetch = createProviderFetch(settings.httpTimeoutMs);
  }

  get id() {
    return this.settings.id;
  }
  get name() {
    return this.settings.name;
  }
  get type() {
    return this.settings.type;
  }

  /** The authorization server's metadata: discovered, or built from configured endpoints. */
  protected abstract server(): Promise<oauth.AuthorizationServer>;
  /** Whether `server().issuer` is a real issuer identifier that `iss` values can be checked against. */
  protected abstract readonly issuerKnown: boolean;
  abstract resolveIdentity(result: TokenResult): Promise<Identity>;
  abstract fetchProfile(result: TokenResult, identity: Identity): Promise<Record<string, unknown>>;
  abstract toUser(profile: Record<string, unknown>, identity: Identity): ProviderUser;

  /** The insecure-request flag is safe: the provider fetch itself refuses plain http off loopback. */
  protected get requestOptions() {
    return { [oauth.customFetch]: this.fetch, [oauth.allowInsecureRequests]: true };
  }

  async authorizationUrl(request: AuthorizationRequest) {
    const as = await this.server();
    const url = new URL(required(as.authorization_endpoint, 'authorization'));
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', request.redirectUri);
    if (this.settings.scope) url.searchParams.set('scope', this.settings.scope);
    url.searchParams.set('state', request.state);
    url.searchParams.set('code_challenge', request.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
    if (request.nonce !== undefined) url.searchParams.set('nonce', request.nonce);
    return { url, issuer: this.issuerKnown ? as.issuer : undefined };
  }

  async exchangeCode(callback: URLSearchParams, transaction: LoginTransaction, redirectUri: string): Promise<TokenResult> {
    const as = await this.server();
    const params = this.checkIssuer(as, callback, transaction);
    const validated = oauth.validateAuthResponse(as, this.client, params, transaction.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      this.client,
      this.clientAuth,
      validated,
      redirectUri,
      transaction.codeVerifier,
      this.requestOptions,
    );
    const body = await oauth.processAuthorizationCodeResponse(
      as,
      this.client,
      response,
      this.usesNonce ? { expectedNonce: transaction.nonce, requireIdToken: true } : undefined,
    );
    return this.acceptTokenResponse(as, body);
  }

  /** Where subclasses add checks on the token response (the ID token's signature for OIDC). */
  protected async acceptTokenResponse(_as: oauth.AuthorizationServer, body: oauth.TokenEndpointResponse): Promise<TokenResult> {
    return { tokens: toTokenSet(body) };
  }

  /**
   * Mix-up defence (RFC 9207 §2.4): an `iss` must name the issuer the login
   * was sent to, and a server that promises `iss` must send it. Without a known
   * issuer there is nothing to compare with, so the parameter is dropped.
   */
  private checkIssuer(as: oauth.AuthorizationServer, callback: URLSearchParams, transaction: LoginTransaction) {
    const params = new URLSearchParams(callback);
    const iss = params.get('iss');
    if (transaction.issuer === undefined) {
      params.delete('iss');
      return params;
    }
    const mismatch = iss === null ? as.authorization_response_iss_parameter_supported === true : iss !== transaction.issuer;
    if (mismatch || as.issuer !== transaction.issuer) {
      throw new AuthBffError('issuer_mismatch', 'The authorization response came from another issuer than the login was sent to.', {
        reason: iss === null ? 'iss_parameter_missing' : 'iss_parameter_mismatch',
      });
    }
    return params;
  }

  async refresh(tokens: TokenSet): Promise<TokenSet> {
    if (tokens.refresh_token === undefined) throw new AuthBffError('unauthenticated', 'The session has no refresh token.');
    const server = await this.server();
    const as = { ...server, token_endpoint: this.settings.refreshEndpoint ?? server.token_endpoint };
    const response = await oauth.refreshTokenGrantRequest(as, this.client, this.clientAuth, tokens.refresh_token, this.requestOptions);
    const body = await oauth.processRefreshTokenResponse(as, this.client, response);
    const refreshed = (await this.acceptTokenResponse(server, body)).tokens;
    // RFC 6749 §6: the provider may keep the refresh token (and OIDC the ID token) it issued before.
    return { ...refreshed, refresh_token: refreshed.refresh_token ?? tokens.refresh_token, id_token: refreshed.id_token ?? tokens.id_token };
  }

  async revoke(tokens: TokenSet) {
    const as = await this.server();
    if (as.revocation_endpoint === undefined) return;
    const token = tokens.refresh_token ?? tokens.access_token;
    const response = await oauth.revocationRequest(as, this.client, this.clientAuth, token, this.requestOptions);
    await oauth.processRevocationResponse(response);
  }
}

function required(value: string | undefined, endpoint: string): string {
  if (value === undefined) throw new AuthBffError('provider_unavailable', `The provider has no ${endpoint} endpoint.`);
  return value;
}

function toTokenSet(body: oauth.TokenEndpointResponse): TokenSet {
  return {
    access_token: body.access_token,
    token_type: body.token_type,
    expires_at: body.expires_in === undefined ? undefined : Math.floor(Date.now() / 1000) + body.expires_in,
    refresh_token: body.refresh_token,
    id_token: body.id_token,
    scope: body.scope,
  };
}
