import type { z } from 'zod';
import { AuthBffError } from '../../errors.js';
import { createProviderFetch } from '../../http/provider-fetch.js';
import { checkCallbackIssuer } from '../callback-issuer.js';
import { isJsonObject, valueAt } from '../json-body.js';
import {
  STANDARD_CALLBACK,
  type AuthorizationRequest,
  type CallbackParameters,
  type Identity,
  type LoginTransaction,
  type Provider,
  type ProviderContext,
  type ProviderUser,
  type TokenResult,
  type TokenSet,
} from '../provider.js';
import { idAt, idString, mapUser } from '../user-fields.js';
import { AppTokenCache } from './app-token.js';
import { createPlatformAnswer, createPlatformCall, present, StaleAppToken, type PlatformCall, type Step } from './platform-call.js';
import type { ProviderProbes } from '../registration.js';
import {
  STEP_FAILURE,
  type CallSpec,
  type EndpointKey,
  type PlatformConfig,
  type PlatformEndpoints,
  type PlatformSpec,
  type TokenContext,
  type UserPaths,
} from './platform-spec.js';

const STEP_ENDPOINTS: Record<Step, readonly EndpointKey[]> = {
  appToken: ['token'],
  token: ['token'],
  refresh: ['refresh', 'token'],
  identity: ['identity'],
  userinfo: ['userinfo'],
  revocation: ['revocation'],
};

/** The endpoint keys a spec uses, which are the ones its config entries may override. */
export function endpointKeysOf<Shape extends z.ZodRawShape>(spec: PlatformSpec<Shape>): EndpointKey[] {
  const steps = (Object.keys(STEP_ENDPOINTS) as Step[]).filter((step) => callOf(spec, step) !== undefined);
  return [...new Set<EndpointKey>(['authorization', ...steps.flatMap((step) => callOf(spec, step)?.endpoint ?? STEP_ENDPOINTS[step])])];
}

/** The spec's call for `step` (the app token's is inside its `appToken`). */
function callOf<Shape extends z.ZodRawShape>(spec: PlatformSpec<Shape>, step: Step): CallSpec<never> | undefined {
  return step === 'appToken' ? spec.appToken?.call : spec[step];
}

const NO_FIELDS = { name: [], username: [], email: [], emailVerified: [], avatarUrl: [], locale: [] };

/**
 * The one provider every described platform runs on: code -> token -> id -> info,
 * each call built from the spec and its answer read the same way (platform-call.ts),
 * the user's id taken from the answer `idFrom` names and every other answer checked against it.
 * No URL, secret or token ever goes into an error message.
 */
export class PlatformProvider<Shape extends z.ZodRawShape> implements Provider {
  readonly usesNonce = false;
  readonly userToken?: false;
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly callback: CallbackParameters;
  readonly refresh?: (tokens: TokenSet) => Promise<TokenSet>;
  readonly revoke?: (tokens: TokenSet) => Promise<void>;
  readonly embed?: Provider['embed'];
  readonly handOff?: Provider['handOff'];
  readonly probes: ProviderProbes;
  private readonly send: PlatformCall;
  private readonly endpoints: PlatformEndpoints;
  private readonly appTokens?: AppTokenCache;

  constructor(
    private readonly spec: PlatformSpec<Shape>,
    private readonly config: PlatformConfig<Shape>,
    context: ProviderContext,
  ) {
    this.id = config.id;
    this.name = config.name ?? spec.name;
    this.type = spec.type;
    this.callback = { ...STANDARD_CALLBACK, ...spec.callback };
    if (spec.userToken === false) this.userToken = false;
    this.endpoints = typeof spec.endpoints === 'function' ? spec.endpoints(config) : spec.endpoints;
    const fetch = createProviderFetch(config.httpTimeoutMs ?? context.httpTimeoutMs);
    this.send = createPlatformCall(spec, config, fetch);
    this.probes = spec.registration?.tokenProbe ? { tokenWithInvalidCode: (redirectUri) => this.tokenAnswer(redirectUri, createPlatformAnswer(spec, config, fetch)) } : {};
    if (spec.appToken) this.appTokens = new AppTokenCache(() => this.fetchAppToken());
    if (spec.refresh) this.refresh = (tokens) => this.refreshTokens(tokens);
    if (spec.revocation) this.revoke = async (tokens) => void (await this.step('revocation', { config, tokens }));
    const { embed, handOff } = spec;
    if (embed) {
      this.embed = {
        origin: new URL(this.endpoint(['authorization'])).origin,
        url: async (request, query) => {
          const options = embed.options.safeParse(query);
          if (!options.success) throw new AuthBffError('invalid_request', `${spec.name}'s embedded login does not take these options.`);
          return this.pageUrl(embed.params({ config, ...request, options: options.data }));
        },
      };
    }
    const to = handOff && (config as Record<string, unknown>)[handOff.field];
    if (handOff && typeof to === 'string') {
      this.handOff = { field: handOff.field, to, type: handOff.type, appliesTo: (agent) => handOff.userAgent.test(agent) && !handOff.except?.test(agent) };
    }
  }

  async authorizationUrl({ redirectUri, state, codeChallenge, userAgent = '' }: AuthorizationRequest) {
    const { inApp } = this.spec.authorization;
    const inside = inApp?.userAgent.test(userAgent) ? inApp : undefined;
    const link = inside ?? this.spec.authorization;
    const { url, issuer } = this.pageUrl(link.params({ config: this.config, redirectUri, state, codeChallenge }), inside?.endpoint);
    if (link.fragment !== undefined) url.hash = link.fragment;
    return { url, issuer };
  }

  /** The authorization endpoint (or an in-app page's own `endpoint`) with `params`, and the issuer it belongs to. */
  private pageUrl(params: Record<string, string | undefined>, endpoint = this.endpoint(['authorization'])) {
    const url = new URL(endpoint);
    for (const [name, value] of present(params)) url.searchParams.append(name, value);
    return { url, issuer: this.spec.issuer };
  }

  async exchangeCode(callback: URLSearchParams, transaction: LoginTransaction, redirectUri: string): Promise<TokenResult> {
    checkCallbackIssuer(callback, transaction, { issuer: this.spec.issuer });
    const context = { config: this.config, code: callback.get(this.callback.code) ?? '', codeVerifier: transaction.codeVerifier, redirectUri };
    return { tokens: this.tokenSet(await this.call('token', context)) };
  }

  /**
   * token -> id: the ids the token answer names, then the identity call's, then (where the id lives in the profile) userinfo's.
   * The subject comes from the answer `idFrom` names and from no other; every id the other answers carry must agree with it.
   */
  async resolveIdentity({ tokens }: TokenResult): Promise<Identity> {
    const answers: Partial<Record<UserPaths['idFrom'], Record<string, unknown>>> = { token: this.idsIn(tokens) };
    const known = (): Record<string, unknown> => ({ ...answers.token, ...answers.identity, ...answers.userinfo });
    if (this.spec.identity) answers.identity = await this.call('identity', this.tokenContext(tokens, known()));
    if (this.spec.user.idFrom === 'userinfo') answers.userinfo = await this.call('userinfo', this.tokenContext(tokens, known()));
    const named = answers[this.spec.user.idFrom] ?? {};
    const subject = idAt(named, this.spec.user.id);
    if (subject === undefined) throw new AuthBffError('profile_failed', `${this.spec.name} named no user id.`);
    for (const answer of Object.values(answers)) this.agree(named, subject, answer);
    const claims = { ...known(), ...named };
    return { subject, unionId: idAt(claims, this.spec.user.unionId), claims };
  }

  async fetchProfile({ tokens }: TokenResult, identity: Identity): Promise<Record<string, unknown>> {
    const fetched = this.spec.user.idFrom === 'userinfo' || !this.spec.userinfo || this.spec.skipUserinfo?.(this.config, identity.claims);
    const answer = fetched ? undefined : await this.call('userinfo', this.tokenContext(tokens, identity.claims), { optional: true });
    const profile = answer ? this.agreeing(identity, answer) : identity.claims;
    const complete = this.spec.hooks?.completeProfile;
    return complete ? complete(profile, this.tools(tokens)) : profile;
  }

  toUser(profile: Record<string, unknown>): ProviderUser {
    const { emailVerified, ...paths } = this.spec.user;
    const said = typeof emailVerified === 'boolean';
    const user = mapUser(profile, { ...NO_FIELDS, ...paths, emailVerified: said ? [] : (emailVerified ?? []) });
    return {
      ...user,
      emailVerified: said && user.email !== undefined ? emailVerified : user.emailVerified,
      avatarUrl: user.avatarUrl && this.httpsAvatar(user.avatarUrl),
    };
  }

  /**
   * RFC 6749 §6: a platform may keep the refresh token it issued; the ids the login's answer named stay with the tokens.
   * A refresh answer that names another user than those ids is refused, which ends the session (as OIDC Core §12.2 has it for ID tokens).
   */
  private async refreshTokens(tokens: TokenSet): Promise<TokenSet> {
    if (tokens.refresh_token === undefined) throw new AuthBffError('unauthenticated', 'The session has no refresh token.');
    const fresh = this.tokenSet(await this.call('refresh', { config: this.config, tokens }));
    for (const [path, id] of Object.entries(this.idsIn(fresh))) {
      const stored = tokens[path];
      if (stored !== undefined && stored !== id) {
        throw new AuthBffError(STEP_FAILURE.refresh, `${this.spec.name}'s refresh answer names another user.`, { reason: 'refresh_other_user' });
      }
    }
    return { ...tokens, ...fresh, refresh_token: fresh.refresh_token ?? tokens.refresh_token };
  }

  private tokenContext(tokens: TokenSet, claims: Record<string, unknown>): TokenContext<PlatformConfig<Shape>> {
    return { config: this.config, tokens, subject: idAt(claims, this.spec.user.id) };
  }

  /** The ids a token answer names, kept with the tokens under their own names (WeChat's `openid` and `unionid`). */
  private idsIn(answer: Record<string, unknown>): Record<string, string> {
    const paths = [...this.spec.user.id, ...(this.spec.user.unionId ?? [])];
    return Object.fromEntries(paths.flatMap((path) => {
      const id = idString(valueAt(answer, path));
      return id === undefined ? [] : [[path, id]];
    }));
  }

  /** The profile: a later answer merged over the identity's claims, once it has agreed with them. */
  private agreeing(identity: Identity, answer: Record<string, unknown>): Record<string, unknown> {
    this.agree(identity.claims, identity.subject, answer);
    return { ...identity.claims, ...answer };
  }

  /**
   * Every id `answer` carries, under any of the spec's id paths, must be the user `reference` (the `idFrom` answer's ids) names:
   * at a path the reference names, its value there (Alipay names two ids of one user side by side, `open_id` and `user_id`);
   * at any other id path, the subject (Weibo's profile `idstr` is the token answer's `uid`). A unionId is held to the reference's.
   */
  private agree(reference: Record<string, unknown>, subject: string, answer: Record<string, unknown>): void {
    const { id, unionId = [] } = this.spec.user;
    for (const path of [...id, ...unionId]) {
      const expected = idString(valueAt(reference, path)) ?? (id.includes(path) ? subject : undefined);
      const now = idString(valueAt(answer, path));
      if (expected !== undefined && now !== undefined && expected !== now) {
        throw new AuthBffError('profile_failed', `${this.spec.name}'s answers name two different users.`);
      }
    }
  }

  private tokenSet(answer: Record<string, unknown>): TokenSet {
    const fields = { accessToken: 'access_token', refreshToken: 'refresh_token', expiresIn: 'expires_in', scope: 'scope', ...this.spec.tokenFields };
    const text = (path: string) => {
      const value = valueAt(answer, path);
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const accessToken = this.spec.userToken === false ? '' : text(fields.accessToken);
    if (accessToken === undefined) throw new AuthBffError('token_exchange_failed', `${this.spec.name}'s token answer has no access token.`);
    // Some platforms send `expires_in` as a string ("7200"): compared by value.
    const expiresIn = Number(valueAt(answer, fields.expiresIn) ?? Number.NaN);
    return {
      access_token: accessToken,
      expires_at: Number.isFinite(expiresIn) && expiresIn > 0 ? Math.floor(Date.now() / 1000) + expiresIn : undefined,
      refresh_token: text(fields.refreshToken),
      scope: text(fields.scope),
      ...this.idsIn(answer),
    };
  }

  private endpoint(keys: readonly EndpointKey[]): string {
    for (const key of keys) {
      const url = this.config.endpoints?.[key] ?? this.endpoints[key];
      if (url !== undefined) return url;
    }
    throw new AuthBffError('provider_unavailable', `${this.spec.name} has no ${keys[0]} endpoint.`);
  }

  private tools(tokens: TokenSet) {
    return {
      config: this.config,
      tokens,
      endpoint: (key: EndpointKey) => this.endpoint([key]),
      request: (call: CallSpec<TokenContext<PlatformConfig<Shape>>>, url: string) => this.send(call, url, { config: this.config, tokens }, 'userinfo'),
    };
  }

  /** The token call with a code the platform never issued (bff-auth doctor), its answer unjudged. */
  private async tokenAnswer(redirectUri: string, read: ReturnType<typeof createPlatformAnswer>): Promise<unknown> {
    const context = { config: this.config, code: 'bff-auth-doctor-invalid-code', codeVerifier: 'bff-auth-doctor-code-verifier-0123456789abcdefghij', redirectUri };
    return (await read(this.spec.token, this.endpoint(this.spec.token.endpoint ?? STEP_ENDPOINTS.token), context, 'token')).answer;
  }

  /**
   * One step's call; resolves with its answer, unwrapped. Where the platform has an app token, the call carries
   * it; refused as no longer valid, the token is fetched anew and the call made once more.
   */
  private async step<Context>(step: Step, context: Context): Promise<unknown> {
    const call = callOf(this.spec, step) as CallSpec<Context>;
    const send = (appToken?: string) => this.send(call, this.endpoint(call.endpoint ?? STEP_ENDPOINTS[step]), appToken === undefined ? context : { ...context, appToken }, step);
    if (!this.appTokens || step === 'appToken') return send();
    const appToken = await this.appTokens.get();
    try {
      return await send(appToken);
    } catch (error) {
      if (!(error instanceof StaleAppToken)) throw error;
      this.appTokens.drop(appToken);
      return send(await this.appTokens.get());
    }
  }

  /** One step's call whose answer, unwrapped, must be an object; with `optional`, one its `skipOn` left out resolves undefined. */
  private async call<Context>(step: Step, context: Context): Promise<Record<string, unknown>>;
  private async call<Context>(step: Step, context: Context, options: { optional: true }): Promise<Record<string, unknown> | undefined>;
  private async call<Context>(step: Step, context: Context, options?: { optional: true }): Promise<Record<string, unknown> | undefined> {
    const answer = await this.step(step, context);
    if (answer === undefined && options?.optional) return undefined;
    if (!isJsonObject(answer)) throw new AuthBffError(STEP_FAILURE[step], `${this.spec.name}'s ${step} answer is not an object.`);
    return answer;
  }

  /** The app-level token call (spec `appToken`): its token and lifetime. */
  private async fetchAppToken() {
    const fields = { token: 'access_token', expiresIn: 'expires_in', ...this.spec.appToken?.fields };
    const answer = await this.call('appToken', { config: this.config });
    const token = valueAt(answer, fields.token);
    return { token: typeof token === 'string' ? token : '', expiresIn: Number(valueAt(answer, fields.expiresIn) ?? Number.NaN) };
  }

  private httpsAvatar(avatarUrl: string): string {
    if (!URL.canParse(avatarUrl)) return avatarUrl;
    const url = new URL(avatarUrl);
    const upgrade = this.spec.httpsAvatarHosts?.some((host) => url.hostname === host || url.hostname.endsWith(`.${host}`));
    if (url.protocol === 'http:' && upgrade) url.protocol = 'https:';
    return url.href;
  }
}
