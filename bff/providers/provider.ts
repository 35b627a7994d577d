import type { z } from 'zod';
import type { AuthErrorCode, ProviderInfo, User } from '../../shared/index.js';
import type { Logger } from '../log.js';
import type { PlatformGuide } from './platform-guide.js';
import type { ProviderProbes, Registration } from './registration.js';

/** The token endpoint's answer, kept sealed on the server and never sent to the browser. */
export interface TokenSet {
  access_token: string;
  token_type?: string;
  /** Epoch seconds, computed from `expires_in` when the tokens arrived. */
  expires_at?: number;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
  /** Platform extras some providers return with the token (WeChat's `openid` and `unionid`). */
  [extra: string]: unknown;
}

/** The result of the code -> token step. */
export interface TokenResult {
  tokens: TokenSet;
  /** The validated ID token claims, for OpenID Connect providers. */
  idTokenClaims?: Record<string, unknown>;
  /**
   * Claims the callback itself carried beside the code (Apple posts the user's name once, as
   * unsigned JSON): for display only, never an id or an email, and below every signed claim.
   */
  callbackClaims?: Record<string, unknown>;
}

/** The result of the token -> id step. */
export interface Identity {
  /** The user's stable id on the platform (OIDC `sub`, WeChat `openid`, GitHub's numeric id). */
  subject: string;
  unionId?: string;
  /** The OIDC session id, for back-channel logout. */
  sid?: string;
  /** Whatever the identity call already told about the user, so the profile step can reuse it. */
  claims: Record<string, unknown>;
}

/** What a login transaction records, sealed in its cookie. */
export interface LoginTransaction {
  provider: string;
  state: string;
  codeVerifier: string;
  nonce?: string;
  returnTo: string;
  /** The issuer the authorization request went to, checked against `iss` (mix-up defence, RFC 9207). */
  issuer?: string;
  /**
   * A link login: the store key of the session open when it started. Noted here
   * because the `SameSite=Strict` session cookie does not ride the provider's
   * cross-site redirect to the callback.
   */
  link?: string;
}

export interface AuthorizationRequest {
  redirectUri: string;
  state: string;
  codeChallenge: string;
  nonce?: string;
  /** The browser's User-Agent, for platforms with another login page inside their own app (WeCom's client). */
  userAgent?: string;
}

/** How a provider's redirect back is read: the flow asks the provider and never names a platform. */
export interface CallbackParameters {
  /** The authorization code's name: `code` (RFC 6749 §4.1.2); DingTalk says `authCode`, Alipay `auth_code`. */
  code: string;
  state: string;
  /** The error response's name (RFC 6749 §4.1.2.1). */
  error: string;
  /**
   * What an error value RFC 6749 §4.1.2.1 does not name means, for a platform that documents
   * its error parameter without listing the values (default: `token_exchange_failed`).
   */
  unknownErrorMeans?: AuthErrorCode;
  /**
   * What every error value means, RFC 6749's own included, for a platform whose callback error is
   * always the user's step at the platform ending without a login (the global platforms, issue #16).
   */
  everyErrorMeans?: AuthErrorCode;
  /** The provider POSTs the parameters as a form (OAuth 2.0 Form Post Response Mode) rather than redirecting with a query. */
  formPost: boolean;
}

export const STANDARD_CALLBACK: CallbackParameters = { code: 'code', state: 'state', error: 'error', formPost: false };

/** The normalized user fields a provider can tell; the flow adds `id` and `provider`. */
export type ProviderUser = Omit<User, 'id' | 'provider' | 'providerUserId' | 'unionId'>;

/**
 * One configured identity provider. The login flow walks the chain of the
 * OAuth 2.0 notes this project started from: code -> token -> id -> info.
 * Each platform's quirks live in its own implementation of these steps.
 */
export interface Provider {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  /** Whether authorization requests carry an OpenID Connect `nonce`. */
  readonly usesNonce: boolean;
  /** `false` for a platform that gives no token of the user (WeCom): the API proxy has nothing to send for it. */
  readonly userToken?: false;
  /** How its callback is read; {@link STANDARD_CALLBACK} when not said. */
  readonly callback?: CallbackParameters;
  /** The authorization URL (RFC 6749 §4.1.1 with PKCE S256, RFC 7636) and the issuer it belongs to. */
  authorizationUrl: (request: AuthorizationRequest) => Promise<{ url: URL; issuer?: string | undefined }>;
  /**
   * A login page the app may show in an iframe (WeChat's QR), where the provider has one: the
   * origin it loads from (a page's CSP `frame-src`), and its URL for `options` (the route's
   * query), or an `invalid_request` error for options it refuses.
   */
  readonly embed?: {
    origin: string;
    url: (request: AuthorizationRequest, options: Record<string, unknown>) => Promise<{ url: URL; issuer?: string | undefined }>;
  };
  /**
   * The provider whose login starts instead for this user agent (WeChat's official account
   * inside WeChat), where the entry names one; `to` and `type` are what the config must hold.
   */
  readonly handOff?: { field: string; to: string; type: string; appliesTo: (userAgent: string) => boolean };
  /** code -> token: checks the callback parameters and redeems the code with the client secret. */
  exchangeCode: (callback: URLSearchParams, transaction: LoginTransaction, redirectUri: string) => Promise<TokenResult>;
  /** token -> id */
  resolveIdentity: (result: TokenResult) => Promise<Identity>;
  /** id -> info: the raw profile, kept on the server. */
  fetchProfile: (result: TokenResult, identity: Identity) => Promise<Record<string, unknown>>;
  /** info -> User */
  toUser: (profile: Record<string, unknown>, identity: Identity) => ProviderUser;
  /** Trades the refresh token for fresh tokens (RFC 6749 §6), where the provider supports it. */
  refresh?: (tokens: TokenSet) => Promise<TokenSet>;
  /** Revokes the tokens at the provider, where it supports revocation. */
  revoke?: (tokens: TokenSet) => Promise<void>;
  /** The provider's end-session URL (OIDC RP-initiated logout), where it has one. */
  endSessionUrl?: (tokens: TokenSet, options: { postLogoutRedirectUri: string; state: string }) => Promise<string | undefined>;
  /** Verifies an OIDC back-channel logout token, where the provider supports back-channel logout. */
  verifyLogoutToken?: (logoutToken: string) => Promise<LogoutTokenClaims>;
  /** Harmless calls `bff-auth doctor` makes to prove the registration. */
  readonly probes?: ProviderProbes;
}

/** What a verified OIDC back-channel logout token says. */
export interface LogoutTokenClaims {
  jti: string;
  /** The provider's session id; sessions are found by it. */
  sid?: string;
}

/** What a provider type gets to build a provider from its validated config entry. */
export interface ProviderContext {
  httpTimeoutMs: number;
  logger: Logger;
}

/** A provider type: its config schema and how to build a provider from an entry. */
export interface ProviderType<Schema extends z.ZodType = z.ZodType> {
  type: string;
  configSchema: Schema;
  /** Where the app is registered and how the platform refuses, for `bff-auth doctor`. */
  registration?: Registration | undefined;
  create: (config: z.infer<Schema>, context: ProviderContext) => Provider;
  /** What the README's platform tables say of it (every built-in type has one). */
  guide?: PlatformGuide;
}

/** What `GET /auth/providers` tells about a provider. */
export function describeProvider({ id, name, type, embed }: Provider): ProviderInfo {
  return embed ? { id, name, type, embeddable: true } : { id, name, type };
}
