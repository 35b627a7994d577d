import { decodeJwt, type JWTPayload } from 'jose';
import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { AuthBffError } from '../errors.js';
import { createProviderFetch } from '../http/provider-fetch.js';
import { checkCallbackIssuer } from './callback-issuer.js';
import { clientSecret, endpointOverrides, endpointUrl, providerBase } from './config-fields.js';
import { cachedDiscovery } from './discovery.js';
import { createPlatformCall, present, type PlatformCall } from './engine/platform-call.js';
import { authorizationParams, ERROR_MEMBER, refreshCall, revocationCall, tokenCall, type ClientAuthMethod } from './engine/rfc6749.js';
import { isJsonObject, parseJson, valueAt } from './json-body.js';
import { createProviderJwtVerifier, JWKS_REFETCH_COOLDOWN_MS } from './provider-jwt.js';
import { FULL_REDIRECT_URI, type PlatformGuide } from './platform-guide.js';
import type { CodeContext } from './engine/platform-spec.js';
import type { ProviderProbes, Registration } from './registration.js';
import { STANDARD_CALLBACK, type CallbackParameters } from './provider.js';
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
import { mapUser, STANDARD_USER_FIELDS, type UserFieldMap } from './user-fields.js';

const oidcScope = (fallback: string) => z.string().regex(/(^|\s)openid(\s|$)/, 'must include "openid"').default(fallback);

/** The parameters the BFF itself sends (RFC 6749 §4.1.1, RFC 7636, OIDC Core §3.1.2.1): an entry may add others, never these. */
const PROTOCOL_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method'];

/** Authorization parameters a server wants beyond the protocol's (Auth0's `audience`, `prompt=consent` for a refresh token from an oidc-provider based server). */
const extraAuthorizationParams = z
  .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a parameter name'), z.string().max(2048))
  .refine((params) => Object.keys(params).every((name) => !PROTOCOL_PARAMS.includes(name)), {
    message: `must not set the parameters the BFF sends itself (${PROTOCOL_PARAMS.join(', ')})`,
  });

const configSchema = providerBase
  .extend({
    type: z.literal('oidc'),
    issuer: endpointUrl,
    scope: oidcScope('openid profile email'),
    endpoints: endpointOverrides.omit({ identity: true }).optional(),
    tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
    authorizationParams: extraAuthorizationParams.optional(),
    /** Puts the ID token in the end-session URL; off by default since that puts it in the address bar. */
    endSessionIdTokenHint: z.boolean().default(false),
    /** An unknown `kid` re-fetches the JWKS at most once per this many ms. */
    jwksRefetchCooldownMs: z.number().int().min(10).max(300_000).default(JWKS_REFETCH_COOLDOWN_MS),
  })
  .strict();

type OidcConfig = z.infer<typeof configSchema>;
/** An entry as the provider holds it: the client secret, where there is one, is asked of the rules per call. */
type OidcEntry = Omit<OidcConfig, 'clientSecret'>;

/** The config fields of a client that authenticates with a configured secret. */
type SecretField = { clientSecret: typeof clientSecret };

/**
 * A platform that speaks OpenID Connect, as data on the `oidc` type: its default
 * issuer, scope and claim names, the config fields it adds, and the few rules
 * its documents add. `Extra` is the shape of those added fields, `Credentials` the
 * fields that stand for `clientSecret` where the platform has the client make its secret.
 */
export interface OidcPreset<Extra extends z.ZodRawShape, Credentials extends z.ZodRawShape = SecretField> {
  type: string;
  /** The platform's issuer, used when the entry names none. */
  issuer: (config: z.infer<z.ZodObject<Extra>>) => string;
  /**
   * Where the client makes a fresh secret for each call to the token endpoint (Apple's signed
   * JWT): the config fields it is made from, in place of `clientSecret`, and how it is made.
   */
  clientSecret?: { fields: Credentials; make: (credentials: z.infer<z.ZodObject<Credentials>>, client: { clientId: string; issuer: string }) => Promise<string> };
  /** The callback comes as a form POST (OAuth 2.0 Form Post Response Mode), which the authorization request asks for. */
  responseMode?: 'form_post';
  /**
   * A callback parameter holding unsigned JSON about the user (Apple's `user`), and the paths in
   * it whose text, joined by spaces, is the display name when no signed claim names the user.
   * Nothing else is taken from it: it is not signed.
   */
  postedName?: { param: string; paths: readonly string[] };
  scope?: string;
  /** The platform returns an ID token without `openid` in the scope (Apple's scopes are `name` and `email`), so the scope need not name it. */
  withoutOpenidScope?: boolean;
  /** How the platform wants the client authenticated at its token endpoint, where not Basic. */
  tokenEndpointAuthMethod?: ClientAuthMethod;
  extra: Extra;
  /** Claim names per `User` field, where they differ from the standard ones. */
  fields?: Partial<UserFieldMap>;
  /** The claim that identifies the user across the platform's apps. */
  unionIdClaim?: string;
  /** The ID token's `iss` may also be the issuer without its scheme. */
  schemelessIssuer?: boolean;
  /** Authorization parameters the entry's fields add (an undefined one is left out). */
  authorizationParams?: (config: z.infer<z.ZodObject<Extra>>) => Record<string, string | undefined>;
  /** Claims whose value must be one of those listed, else the login is refused (`access_denied`); an undefined list checks nothing. */
  requiredClaims?: (config: z.infer<z.ZodObject<Extra>>) => Record<string, readonly string[] | undefined>;
  /** Where the discovery document names a template rather than the issuer it is read from. */
  issuerTemplate?: IssuerTemplate;
  /** The platform refuses PKCE (RFC 7636), so none is sent. */
  withoutPkce?: boolean;
  /** The platform does not support the OIDC `nonce`, so none is sent or expected. */
  withoutNonce?: boolean;
  /** What the README's platform tables say of it. */
  guide?: PlatformGuide;
  /** Where the app is registered, for `bff-auth doctor`. */
  registration?: Registration;
}

export interface IssuerTemplate {
  /** The issuer the discovery document names, for the issuer it is read from. */
  discovered: (issuer: string) => string;
  /** The issuer a token must name, from the discovered one and the token's unverified claims. */
  forToken: (discovered: string, claims: JWTPayload) => string;
  /** Whether the callback's `iss` (RFC 9207) is one the discovered template yields; the ID token must then name that one. */
  fits: (discovered: string, iss: string) => boolean;
}

/** What the provider uses of a preset, its config fields already read. */
interface OidcRules {
  type: string;
  /** The client secret of the next call to the token endpoint. */
  clientSecret: () => Promise<string>;
  postedName?: OidcPreset<z.ZodRawShape>['postedName'];
  fields: UserFieldMap;
  unionIdClaim?: string | undefined;
  schemelessIssuer?: boolean | undefined;
  authorizationParams: Record<string, string | undefined>;
  requiredClaims: Record<string, readonly string[] | undefined>;
  issuerTemplate?: IssuerTemplate | undefined;
  withoutPkce?: boolean | undefined;
  withoutNonce?: boolean | undefined;
  callback?: CallbackParameters | undefined;
}

/** The configured client secret, for every call. */
const configuredSecret = (secret: string) => () => Promise.resolve(secret);

const genericRules = (config: OidcConfig): OidcRules => ({
  type: 'oidc',
  clientSecret: configuredSecret(config.clientSecret),
  fields: STANDARD_USER_FIELDS,
  authorizationParams: {},
  requiredClaims: {},
});

/** ID token claims about the token itself rather than the user (OIDC Core §2); kept out of the profile. */
const PROTOCOL_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'at_hash', 'c_hash', 'auth_time', 'azp', 'sid', 'acr', 'amr', 'jti'];

/**
 * OIDC Core §5.1: `email_verified` speaks of the `email` beside it, so the two come as a pair
 * from one source: the userinfo's when it names an address, else the ID token's. A userinfo
 * address without a flag keeps the ID token's flag only when it is the same address; a
 * different one is not verified.
 */
function emailVerifiedOf(idToken: Record<string, unknown>, userinfo: Record<string, unknown>): { email_verified?: unknown } {
  if (userinfo.email === undefined) return { email_verified: idToken.email_verified };
  if (userinfo.email_verified !== undefined) return {};
  return { email_verified: userinfo.email === idToken.email ? idToken.email_verified : false };
}

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
  readonly usesNonce: boolean;
  readonly callback: CallbackParameters | undefined;
  readonly id: string;
  readonly name: string;
  private readonly client: oauth.Client;
  private readonly fetch: typeof fetch;
  private readonly send: PlatformCall;
  private readonly discover: () => Promise<oauth.AuthorizationServer>;
  private readonly verifyJwt: ReturnType<typeof createProviderJwtVerifier>;

  readonly type: string;
  readonly probes: ProviderProbes;

  constructor(
    private readonly config: OidcEntry,
    context: ProviderContext,
    private readonly rules: OidcRules,
  ) {
    this.type = rules.type;
    this.usesNonce = !rules.withoutNonce;
    this.callback = rules.callback;
    const httpTimeoutMs = config.httpTimeoutMs ?? context.httpTimeoutMs;
    this.id = config.id;
    this.name = config.name ?? config.id;
    this.client = { client_id: config.clientId };
    this.fetch = createProviderFetch(httpTimeoutMs);
    this.send = createPlatformCall({ name: this.name, refusals: [ERROR_MEMBER] }, config, this.fetch);
    this.discover = cachedDiscovery(config.issuer, this.fetch, rules.issuerTemplate?.discovered(config.issuer));
    this.verifyJwt = createProviderJwtVerifier(this.fetch, httpTimeoutMs, config.jwksRefetchCooldownMs);
    this.probes = { discovery: { issuer: config.issuer, read: () => this.discoveryProbe() } };
  }

  /** The insecure-request flag is safe: the provider fetch itself refuses plain http off loopback. */
  private get requestOptions() {
    return { [oauth.customFetch]: this.fetch, [oauth.allowInsecureRequests]: true };
  }

  /** The entry with the client secret of this call to the token endpoint. */
  private async callConfig(): Promise<OidcConfig> {
    return { ...this.config, clientSecret: await this.rules.clientSecret() };
  }

  /** Discovery as the doctor sees it: an issuer that differs is `issuer_mismatch` (OIDC Discovery §4.3). */
  private async discoveryProbe() {
    try {
      return { jwksUri: (await this.discover()).jwks_uri };
    } catch (error) {
      if (!(error instanceof oauth.OperationProcessingError) || error.code !== oauth.JSON_ATTRIBUTE_COMPARISON) throw error;
      throw new AuthBffError('issuer_mismatch', 'The discovery document names another issuer than the one configured.', { cause: error });
    }
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
    const pkce = this.rules.withoutPkce ? { code_challenge: undefined, code_challenge_method: undefined } : {};
    const params = {
      ...authorizationParams({ config: this.config, redirectUri, state, codeChallenge }),
      ...pkce,
      ...this.rules.authorizationParams,
      ...this.config.authorizationParams,
      nonce,
    };
    for (const [name, value] of present(params)) url.searchParams.set(name, value);
    return { url, issuer: as.issuer };
  }

  async exchangeCode(callback: URLSearchParams, transaction: LoginTransaction, redirectUri: string): Promise<TokenResult> {
    const as = await this.server();
    const template = this.rules.issuerTemplate;
    const fits = template && ((iss: string) => template.fits(as.issuer, iss));
    const checked = checkCallbackIssuer(callback, transaction, { issuer: as.issuer, promisesIss: as.authorization_response_iss_parameter_supported, fits });
    const context = { config: await this.callConfig(), code: callback.get('code') ?? '', codeVerifier: transaction.codeVerifier, redirectUri };
    const answer = await this.send(this.tokenCall(), endpoint(as.token_endpoint, 'token'), context, 'token');
    const tokenAs = this.issuerOf(as, answer);
    const iss = checked.get('iss');
    // Under a template the callback's `iss` named some tenant: it must be the one the ID token is checked against.
    if (template && iss !== null && iss !== tokenAs.issuer) {
      throw new AuthBffError('issuer_mismatch', "The authorization response named another issuer than the ID token's.", { reason: 'iss_parameter_mismatch' });
    }
    const body = await oauth.processAuthorizationCodeResponse(tokenAs, this.client, asJsonResponse(answer), { expectedNonce: transaction.nonce, requireIdToken: true });
    return { ...(await this.acceptTokenResponse(tokenAs, body)), callbackClaims: this.postedClaims(callback) };
  }

  /** The display name the platform posted beside the code (`postedName`), read as text only; anything else in that JSON is ignored. */
  private postedClaims(callback: URLSearchParams): Record<string, unknown> | undefined {
    const posted = this.rules.postedName;
    const values = posted === undefined ? [] : callback.getAll(posted.param);
    if (posted === undefined || values.length !== 1) return undefined;
    const json = parseJson(values[0] ?? '');
    const parts = posted.paths.map((path) => valueAt(json, path)).filter((part): part is string => typeof part === 'string' && part.trim() !== '');
    return parts.length === 0 ? undefined : { name: parts.map((part) => part.trim()).join(' ') };
  }

  /** RFC 6749 §4.1.3, with the PKCE verifier unless the platform refuses PKCE. */
  private tokenCall() {
    const call = tokenCall(this.config.tokenEndpointAuthMethod);
    return this.rules.withoutPkce ? { ...call, form: (context: CodeContext<OidcConfig>) => ({ ...call.form?.(context), code_verifier: undefined }) } : call;
  }

  /**
   * The server metadata with the issuer the JWT in `answer` (an ID token in a token answer,
   * or the JWT itself) must name, for every check of `iss` that follows: the discovered one,
   * the platform's per-token issuer where discovery gives a template, or its schemeless form.
   * The claims read here are unverified; they only choose what the verified token must equal.
   */
  private issuerOf(as: oauth.AuthorizationServer, answer: unknown): oauth.AuthorizationServer {
    const jwt = typeof answer === 'string' ? answer : isJsonObject(answer) ? answer.id_token : undefined;
    if (typeof jwt !== 'string') return as;
    let claims: JWTPayload;
    try {
      claims = decodeJwt(jwt);
    } catch {
      return as;
    }
    const issuer = this.rules.issuerTemplate?.forToken(as.issuer, claims) ?? as.issuer;
    const schemeless = issuer.replace(/^https?:\/\//, '');
    return { ...as, issuer: this.rules.schemelessIssuer && claims.iss === schemeless ? schemeless : issuer };
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
    const answer = await this.send(refreshCall(this.config.tokenEndpointAuthMethod), url, { config: await this.callConfig(), tokens }, 'refresh');
    const tokenAs = this.issuerOf(as, answer);
    const fresh = (await this.acceptTokenResponse(tokenAs, await oauth.processRefreshTokenResponse(tokenAs, this.client, asJsonResponse(answer)))).tokens;
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
    await this.send(revocationCall(this.config.tokenEndpointAuthMethod), as.revocation_endpoint, { config: await this.callConfig(), tokens }, 'revocation');
  }

  async resolveIdentity({ idTokenClaims = {} }: TokenResult): Promise<Identity> {
    const { sub, sid } = idTokenClaims;
    for (const [claim, allowed] of Object.entries(this.rules.requiredClaims)) {
      const value = idTokenClaims[claim];
      if (allowed !== undefined && (typeof value !== 'string' || !allowed.includes(value))) {
        throw new AuthBffError('access_denied', `The ID token's "${claim}" is not one this app accepts.`, { reason: `id_token_${claim}_refused` });
      }
    }
    const unionId = this.rules.unionIdClaim === undefined ? undefined : idTokenClaims[this.rules.unionIdClaim];
    return {
      subject: String(sub),
      unionId: typeof unionId === 'string' ? unionId : undefined,
      sid: typeof sid === 'string' ? sid : undefined,
      claims: Object.fromEntries(Object.entries(idTokenClaims).filter(([claim]) => !PROTOCOL_CLAIMS.includes(claim))),
    };
  }

  /** The signed claims, over what the callback posted. */
  async fetchProfile({ tokens, callbackClaims }: TokenResult, identity: Identity) {
    const as = await this.server();
    if (as.userinfo_endpoint === undefined) return { ...callbackClaims, ...identity.claims };
    const response = await oauth.userInfoRequest(as, this.client, tokens.access_token, this.requestOptions);
    // OIDC Core §5.3.2: the userinfo `sub` must equal the ID token's, else the answer is not about this user.
    const userinfo = await oauth.processUserInfoResponse(as, this.client, identity.subject, response);
    return { ...callbackClaims, ...identity.claims, ...userinfo, ...emailVerifiedOf(identity.claims, userinfo) };
  }

  toUser(profile: Record<string, unknown>) {
    return mapUser(profile, this.rules.fields);
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
    const claims = await this.verifyJwt(logoutToken, this.issuerOf(as, logoutToken), this.config.clientId, {
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
  create: (config, context) => new OidcProvider(config, context, genericRules(config)),
  guide: {
    title: 'Any OpenID Connect provider',
    ids: '`sub`',
    refresh: 'when it gives a refresh token',
    revocation: 'when discovery names a revocation endpoint',
    console: "your provider's (Keycloak, Auth0, Okta, Authentik, Zitadel...)",
    redirect: `${FULL_REDIRECT_URI}, and \`baseUrl + "/"\` as the post-logout redirect URI`,
    localDevelopment: "the provider's rules (a local one: this repository's demo runs one that signs in any username, `npm start`)",
  },
};

/** The provider type of an OpenID Connect platform: the `oidc` entry with `issuer` optional, the preset's fields and defaults. */
export function oidcPlatform<Extra extends z.ZodRawShape, Credentials extends z.ZodRawShape = SecretField>(preset: OidcPreset<Extra, Credentials>) {
  // Without `clientSecret.fields`, Credentials is its default: the configured secret.
  const credentials = (preset.clientSecret?.fields ?? { clientSecret }) as Credentials;
  const schema = configSchema
    .omit({ clientSecret: true })
    .extend(credentials)
    .extend({
      type: z.literal(preset.type),
      issuer: endpointUrl.optional(),
      scope: preset.withoutOpenidScope ? z.string().default(preset.scope ?? '') : oidcScope(preset.scope ?? 'openid profile email'),
      tokenEndpointAuthMethod: configSchema.shape.tokenEndpointAuthMethod.removeDefault().default(preset.tokenEndpointAuthMethod ?? 'client_secret_basic'),
    })
    .extend(preset.extra)
    .strict();
  const platform: ProviderType<typeof schema> = {
    type: preset.type,
    configSchema: schema,
    registration: preset.registration,
    create: (entry, context) => {
      // zod cannot follow a generic extension; the schema above is what makes this so.
      const config = entry as unknown as Omit<OidcEntry, 'issuer'> & { issuer?: string } & z.infer<z.ZodObject<Extra>> & z.infer<z.ZodObject<Credentials>>;
      const issuer = config.issuer ?? preset.issuer(config);
      const make = preset.clientSecret?.make;
      const rules: OidcRules = {
        type: preset.type,
        clientSecret: make ? () => make(config, { clientId: config.clientId, issuer }) : configuredSecret((config as { clientSecret?: string }).clientSecret ?? ''),
        postedName: preset.postedName,
        fields: { ...STANDARD_USER_FIELDS, ...preset.fields },
        unionIdClaim: preset.unionIdClaim,
        schemelessIssuer: preset.schemelessIssuer,
        authorizationParams: { ...preset.authorizationParams?.(config), response_mode: preset.responseMode },
        requiredClaims: preset.requiredClaims?.(config) ?? {},
        issuerTemplate: preset.issuerTemplate,
        withoutPkce: preset.withoutPkce,
        withoutNonce: preset.withoutNonce,
        // Any error on the callback of these platforms, RFC 6749's codes and their cancel codes alike, is the user's step failing (issue #16).
        callback: { ...STANDARD_CALLBACK, everyErrorMeans: 'access_denied', formPost: preset.responseMode === 'form_post' },
      };
      return new OidcProvider({ ...config, issuer }, context, rules);
    },
    guide: preset.guide,
  };
  return platform;
}
