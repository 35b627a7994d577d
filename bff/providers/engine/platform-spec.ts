import type { z } from 'zod';
import type { AuthErrorCode } from '../../../shared/index.js';
import type { EndpointOverrides } from '../config-fields.js';
import type { PlatformGuide } from '../platform-guide.js';
import type { CallbackParameters, TokenSet } from '../provider.js';
import type { AnswerFormat, AnswerMatch, RefusalRule } from './answers.js';
import type { Registration } from '../registration.js';

/*
 * A platform described as data, run by one generic provider (platform-provider.ts).
 * How to add a platform: docs/adding-a-platform.md in the repository (not in the package).
 */

/** The endpoint keys a config entry may override (docs/design.md: the same names everywhere); `endSession` is OIDC's alone. */
export type EndpointKey = Exclude<keyof EndpointOverrides, 'endSession'>;

/** What every platform entry holds once validated; `Shape` adds the platform's own fields (`clientSecret`, `lang`, keys). */
export interface PlatformEntry {
  id: string;
  type: string;
  name?: string;
  clientId: string;
  scope: string;
  httpTimeoutMs?: number;
  endpoints?: Partial<Record<EndpointKey, string>>;
}

export type PlatformConfig<Shape extends z.ZodRawShape> = PlatformEntry & z.output<z.ZodObject<Shape>>;

/** What the authorization URL is built from. */
export interface AuthorizationContext<Config> {
  config: Config;
  redirectUri: string;
  state: string;
  /** The PKCE S256 challenge (RFC 7636); only platforms that document PKCE send it. */
  codeChallenge: string;
}

/** What the code -> token call is built from. */
export interface CodeContext<Config> {
  config: Config;
  code: string;
  codeVerifier: string;
  redirectUri: string;
  /** The app-level token, where the platform has one ({@link AppTokenSpec}). */
  appToken?: string;
}

/** What the calls made with a token (refresh, identity, userinfo, revocation) are built from. */
export interface TokenContext<Config> {
  config: Config;
  tokens: TokenSet;
  /** The user's id, once an earlier answer named it (WeChat's `openid` for sns/userinfo, QQ's for get_user_info). */
  subject?: string;
  /** The app-level token, where the platform has one ({@link AppTokenSpec}). */
  appToken?: string;
}

/** What the app-level token call is built from: the entry alone. */
export interface AppContext<Config> {
  config: Config;
}

/** Named values; an undefined value is left out. Object order is the order sent (WeChat checks it). */
export type Params<Context> = (context: Context) => Record<string, string | undefined>;

/** One HTTP call to the platform. */
export interface CallSpec<Context> {
  method: 'GET' | 'POST';
  /** The endpoint keys to try, first one configured or known wins. Default: the call's own key (refresh: `refresh`, then `token`). */
  endpoint?: readonly EndpointKey[];
  query?: Params<Context>;
  /** A form-encoded body. */
  form?: Params<Context>;
  /** A JSON body (string values). */
  json?: Params<Context>;
  /** How the access token travels when not in `query` or the body (`Authorization: Bearer`, or a named header); a `content-type` here replaces the body's usual one. */
  headers?: Params<Context>;
  /** Where the content sits in the answer (`data`); refusals are looked for in the whole answer first. */
  envelope?: string;
  /** Refusals this call has on top of the platform's; a function where they depend on the entry (WeCom's `allowNonMembers`). */
  refusals?: readonly RefusalRule[] | ((context: Context) => readonly RefusalRule[]);
  /** Refusals that leave this call's answer out rather than fail the login (a profile the app may not read: the id alone signs in). */
  skipOn?: AnswerMatch;
}

/**
 * A token of the app itself that the platform's calls carry in place of a user's (WeCom's
 * `gettoken`): fetched when first needed, kept for its `expires_in`, one fetch at a time per
 * provider, and fetched again, once per call, when a call answers that it is no longer valid.
 */
export interface AppTokenSpec<Config> {
  /** The call that issues it; its endpoint key is `token` unless it says otherwise. */
  call: CallSpec<AppContext<Config>>;
  /** Where its answer keeps the token and its lifetime in seconds. Default: `access_token`, `expires_in`. */
  fields?: { token?: string; expiresIn?: string };
  /** The answers of other calls that mean the token is no longer valid (expired early, revoked). */
  invalid: AnswerMatch;
}

/** A request as it goes out, for the signing hook. */
export interface PlatformRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** A form body stays a URLSearchParams until sent, so a signature can cover it. */
  body?: URLSearchParams | string;
}

/** What a profile hook may do: more calls to the platform. */
export interface ProfileTools<Config> {
  config: Config;
  tokens: TokenSet;
  /** The endpoint in effect for `key` (configured, else the platform's). */
  endpoint: (key: EndpointKey) => string;
  /** One call through the same fetch, parsing and refusal rules; resolves with the parsed answer (an object or a list). */
  request: (call: CallSpec<TokenContext<Config>>, url: string) => Promise<unknown>;
}

/** Profile keys or dotted paths per `User` field; the first that holds a value wins. */
export interface UserPaths {
  /**
   * The answer that names the user for sure: the token answer (WeChat), the identity
   * call (QQ) or userinfo (GitHub, DingTalk). An earlier answer that names the id too
   * must agree with it; a later one (userinfo after a token answer) must agree as well.
   */
  idFrom: 'token' | 'identity' | 'userinfo';
  /** The per-app id: `providerUserId` (docs/design.md). */
  id: readonly string[];
  /** The cross-app id, where the platform has one, from the same answers. */
  unionId?: readonly string[];
  name?: readonly string[];
  username?: readonly string[];
  email?: readonly string[];
  /**
   * Only where the platform documents the address as verified: the paths of its flag, or
   * `true` / `false` where the platform says so of every address it gives (X's `confirmed_email`).
   */
  emailVerified?: readonly string[] | boolean;
  avatarUrl?: readonly string[];
  locale?: readonly string[];
}

export type PlatformEndpoints = { authorization: string } & Partial<Record<Exclude<EndpointKey, 'authorization'>, string>>;

export interface PlatformSpec<Shape extends z.ZodRawShape, Type extends string = string> {
  /** The config's `type`. */
  type: Type;
  /** The default button label. */
  name: string;
  /** The platform's real addresses, or how the entry makes them (Facebook's Graph version is in the path); the config's `endpoints` override them key by key. */
  endpoints: PlatformEndpoints | ((config: PlatformConfig<Shape>) => PlatformEndpoints);
  /** The authorization server's issuer identifier (RFC 9207), where it has one: the callback's `iss` is checked against it. */
  issuer?: string | undefined;
  /** The default scope. */
  scope: string;
  /** The entry's own fields: `clientSecret` where the platform has one, and options. */
  config: Shape;
  /** Parameter names of the redirect back, where they are not RFC 6749's. */
  callback?: Partial<CallbackParameters>;
  authorization: AuthorizationSpec<PlatformConfig<Shape>> & {
    /** Another link for browsers inside the platform's own app, told by their user agent (WeCom's client: its in-app OAuth page, no QR code). */
    inApp?: AuthorizationSpec<PlatformConfig<Shape>> & { userAgent: RegExp; endpoint: string };
  };
  /** The app-level token the calls carry, where the platform has no user token or wants both. */
  appToken?: AppTokenSpec<PlatformConfig<Shape>>;
  /** `false` where the token step's answer holds no token of the user (WeCom): the session keeps none, and `accessToken` is empty. */
  userToken?: false;
  /**
   * A login page the app may show in an iframe of its own page (WeChat's embedded QR), where the
   * platform has one: at the `authorization` endpoint, with these parameters. `options` checks
   * the query the app passes on (`style`, `href`, `lang`); the route refuses what it refuses.
   */
  embed?: {
    options: z.ZodType<Record<string, string | undefined>>;
    params: Params<AuthorizationContext<PlatformConfig<Shape>> & { options: Record<string, string | undefined> }>;
  };
  /**
   * Another entry whose login starts instead when a browser's user agent says this platform's
   * page cannot work there (WeChat's QR page inside WeChat itself): the entry field naming it, the
   * type it must have, and the user agents it is for.
   */
  handOff?: { field: string; type: string; userAgent: RegExp; except?: RegExp };
  token: CallSpec<CodeContext<PlatformConfig<Shape>>>;
  /** Where refresh works (RFC 6749 §6, or the platform's own call). */
  refresh?: CallSpec<TokenContext<PlatformConfig<Shape>>>;
  /** A separate "whose token is this" call (QQ's /oauth2.0/me). */
  identity?: CallSpec<TokenContext<PlatformConfig<Shape>>>;
  /** The profile call; `skipUserinfo` can leave it out for a config (WeChat's `snsapi_base`) or a user (WeCom's non-members), given what the earlier answers said. */
  userinfo?: CallSpec<TokenContext<PlatformConfig<Shape>>>;
  skipUserinfo?: (config: PlatformConfig<Shape>, claims: Record<string, unknown>) => boolean;
  revocation?: CallSpec<TokenContext<PlatformConfig<Shape>>>;
  /** Headers every call carries (a User-Agent where the platform refuses requests without one). */
  headers?: Record<string, string>;
  /** How answers may be written, tried in order. Default: JSON whatever the content-type. */
  answers?: readonly AnswerFormat[];
  /** What counts as a refusal in any answer, HTTP 200 or not. */
  refusals?: readonly RefusalRule[];
  /** Where the token answer keeps its fields, when not RFC 6749's names (DingTalk's camelCase). */
  tokenFields?: { accessToken?: string; refreshToken?: string; expiresIn?: string; scope?: string };
  user: UserPaths;
  /** Avatar hosts that serve the same image over https, so an `http://` avatar is upgraded rather than become mixed content. */
  httpsAvatarHosts?: readonly string[];
  /** What the README's platform tables say of it (`npm run docs:platforms`). */
  guide?: PlatformGuide;
  /** Where the app is registered and how its token endpoint refuses, for `bff-auth doctor`. */
  registration?: Registration;
  /** Code hooks, only where data cannot say it. */
  hooks?: {
    /** Signs each request before it is sent (Alipay's RSA2). */
    sign?: (request: PlatformRequest, config: PlatformConfig<Shape>) => PlatformRequest;
    /**
     * Turns the answer text into the answer, where that is more than parsing (Alipay verifies the
     * signature of the raw text); an answer it cannot believe fails the step with `failure`.
     */
    readAnswer?: (text: string, request: PlatformRequest, config: PlatformConfig<Shape>, failure: AuthErrorCode) => unknown;
    /** Completes the profile with further calls (GitHub's /user/emails). */
    completeProfile?: (profile: Record<string, unknown>, tools: ProfileTools<PlatformConfig<Shape>>) => Promise<Record<string, unknown>>;
  };
}

/** How a link to the authorization page is made. */
export interface AuthorizationSpec<Config> {
  params: Params<AuthorizationContext<Config>>;
  /** A fragment the platform wants on the link (`wechat_redirect`). */
  fragment?: string;
}

/** The error code of each step's refusal (docs/design.md: the closed list). */
export const STEP_FAILURE: Record<'appToken' | 'token' | 'refresh' | 'identity' | 'userinfo' | 'revocation', AuthErrorCode> = {
  appToken: 'token_exchange_failed',
  token: 'token_exchange_failed',
  refresh: 'token_exchange_failed',
  identity: 'profile_failed',
  userinfo: 'profile_failed',
  revocation: 'token_exchange_failed',
};
