import type { Request, Response } from 'express';
import * as oauth from 'oauth4webapi';
import { LINK_PARAM, ROUTES, type AuthErrorCode, type User } from '../../shared/index.js';
import { randomAlphanumeric, STATE_LENGTH, STATE_PATTERN } from '../crypto/random.js';
import { AuthBffError } from '../errors.js';
import { STANDARD_CALLBACK, type AuthorizationRequest, type Provider } from '../providers/provider.js';
import { assertLinkable } from '../session/sessions.js';
import { guarded, linkedProviders, type SessionRecord } from '../session/store.js';
import { runLoginHook } from '../users/login-hook.js';
import { classifyProviderError, reasonOf } from './classify.js';
import type { FlowContext } from './context.js';
import { loginLocation, safeReturnTo } from './return-to.js';
import { TRANSACTION_TTL_SECONDS } from './transactions.js';
import { boundedProfile } from '../providers/profile-bounds.js';

/** The provider's redirect URI, the one registered at the platform (bff-auth doctor prints it). */
export function callbackUri(baseUrl: URL, basePath: string, providerId: string): string {
  return new URL(`${basePath}${ROUTES.callback}${encodeURIComponent(providerId)}`, baseUrl).href;
}

const redirectUri = (context: FlowContext, provider: Provider) => callbackUri(context.baseUrl, context.basePath, provider.id);

function failure(error: unknown): AuthBffError {
  return error instanceof AuthBffError ? error : new AuthBffError('internal_error', 'The login failed unexpectedly.', { cause: error });
}

function logFailure(context: FlowContext, provider: Provider, error: AuthBffError, cause: unknown) {
  const fields = { provider: provider.id, code: error.code, reason: reasonOf(cause) };
  if (error.code === 'internal_error') context.logger.error('login.error', fields);
  else context.logger.warn('login.failure', fields);
  context.emit({ type: 'login_failed', ...fields });
}

type Authorize = (request: AuthorizationRequest) => Promise<{ url: URL; issuer?: string | undefined }>;

/** A fresh `state`, PKCE verifier and (for OIDC) nonce, sealed in the transaction cookie; resolves with the page to send the user to. */
async function startLogin(context: FlowContext, provider: Provider, req: Request, res: Response, returnTo: string, authorize: Authorize) {
  const link = await openSessionKey(context, provider, req, res);
  const state = randomAlphanumeric(STATE_LENGTH);
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const nonce = provider.usesNonce ? oauth.generateRandomNonce() : undefined;
  const { url, issuer } = await authorize({
    redirectUri: redirectUri(context, provider),
    state,
    codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    nonce,
    userAgent: req.get('user-agent'),
  }).catch((error: unknown) => Promise.reject(classifyProviderError(error, 'provider_unavailable')));
  const formPost = (provider.callback ?? STANDARD_CALLBACK).formPost;
  await context.transactions.begin(req, res, { provider: provider.id, state, codeVerifier, nonce, returnTo, issuer, ...(link === undefined ? {} : { link }) }, { formPost });
  context.logger.info('login.start', { provider: provider.id });
  return url.href;
}

/**
 * The provider whose login a browser with this user agent gets: the one the entry hands off to
 * (a `wechat` entry's `inWeChat` inside WeChat), else the provider itself.
 */
export function providerFor(context: FlowContext, provider: Provider, userAgent: string | undefined): Provider {
  const { handOff } = provider;
  return (handOff?.appliesTo(userAgent ?? '') && context.providers.get(handOff.to)) || provider;
}

/**
 * Starts a login; resolves with the authorization URL to redirect to, or with
 * `returnTo?auth_error=CODE` when the provider cannot be reached.
 */
export async function beginLogin(context: FlowContext, provider: Provider, req: Request, res: Response): Promise<string> {
  const returnTo = safeReturnTo(req.query.returnTo, context.baseUrl);
  try {
    return await startLogin(context, provider, req, res, returnTo, (request) => provider.authorizationUrl(request));
  } catch (error) {
    const reported = failure(error);
    logFailure(context, provider, reported, error);
    return loginLocation(returnTo, context.baseUrl, reported.code);
  }
}

/**
 * Starts a login whose page sits in an iframe (the embed route): the same transaction, resolving
 * with the iframe's URL; a failure rejects with its `AuthBffError`, for a JSON answer.
 */
export async function beginEmbeddedLogin(context: FlowContext, provider: Provider, req: Request, res: Response): Promise<string> {
  const { embed } = provider;
  if (!embed) throw new AuthBffError('unknown_provider', 'No provider with this id can be embedded.');
  try {
    return await startLogin(context, provider, req, res, safeReturnTo(req.query.returnTo, context.baseUrl), (request) => embed.url(request, req.query));
  } catch (error) {
    const reported = failure(error);
    logFailure(context, provider, reported, error);
    throw reported;
  }
}

/**
 * On a link login (`link=1`), the store key of the session open in this browser,
 * refused before the provider is asked when it has no room for this provider;
 * without a session open it is an ordinary login.
 */
async function openSessionKey(context: FlowContext, provider: Provider, req: Request, res: Response): Promise<string | undefined> {
  if (req.query[LINK_PARAM] !== '1') return undefined;
  const view = await context.sessions.view(req, res, { slide: false });
  if (view) assertLinkable(view.data, provider.id);
  return view?.key;
}

/** The session a link login links to, read again at the callback: it must still be open, and have room for this provider. */
async function sessionToLink(context: FlowContext, provider: Provider, key: string | undefined): Promise<SessionRecord | undefined> {
  if (key === undefined) return undefined;
  const open = await context.sessions.load(key);
  assertLinkable(open, provider.id);
  return open;
}

/** The callback's parameters: the query of a redirect, or the urlencoded body of a form_post (read as text by the route). */
function callbackParameters(context: FlowContext, req: Request): URLSearchParams {
  return req.method === 'POST' ? new URLSearchParams(typeof req.body === 'string' ? req.body : '') : new URL(req.originalUrl, context.baseUrl).searchParams;
}

/** The one value of a callback parameter; a repeated parameter counts as absent (RFC 6749 §3.1). */
function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

/** RFC 6749 §4.1.2.1 and OIDC Core §3.1.2.6 error codes. */
const AUTHORIZATION_ERRORS = [
  'invalid_request',
  'unauthorized_client',
  'access_denied',
  'unsupported_response_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
  'interaction_required',
  'login_required',
  'account_selection_required',
  'consent_required',
  'invalid_request_uri',
  'invalid_request_object',
  'request_not_supported',
  'request_uri_not_supported',
  'registration_not_supported',
];

/** The provider's error answer (RFC 6749 §4.1.2.1), as one of our codes; a value the RFC does not name means what the provider says. */
function errorResponseCode(error: string, unknown: AuthErrorCode = 'token_exchange_failed'): AuthErrorCode {
  if (['server_error', 'temporarily_unavailable'].includes(error)) return 'provider_unavailable';
  if (['access_denied', 'login_required', 'consent_required', 'interaction_required', 'account_selection_required'].includes(error)) {
    return 'access_denied';
  }
  return AUTHORIZATION_ERRORS.includes(error) ? 'token_exchange_failed' : unknown;
}

/** The error parameter as a log reason: the registered codes as they are, anything else (the provider's free text) as "other". */
function authorizationErrorReason(error: string): string {
  return `authorization_error:${AUTHORIZATION_ERRORS.includes(error) ? error : 'other'}`;
}

async function step<T>(run: () => Promise<T>, fallback: AuthErrorCode): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw classifyProviderError(error, fallback);
  }
}

/**
 * The provider's redirect back: checks the transaction, then walks
 * code -> token -> id -> info and starts a session. Resolves with where to
 * send the browser: `returnTo`, or `returnTo?auth_error=CODE` with no session.
 */
export async function completeLogin(context: FlowContext, provider: Provider, req: Request, res: Response): Promise<string> {
  let returnTo = '/';
  try {
    const callback = callbackParameters(context, req);
    const names = provider.callback ?? STANDARD_CALLBACK;
    const state = single(callback, names.state);
    if (state === undefined || !STATE_PATTERN.test(state)) {
      throw new AuthBffError('invalid_state', 'The callback carries no valid state.', { reason: 'state_missing' });
    }
    const transaction = await context.transactions.take(req, res, provider.id, state);
    returnTo = transaction.returnTo;
    if (!(await guarded(context.store.claimOnce(`tx:${state}`, 2 * TRANSACTION_TTL_SECONDS)))) {
      throw new AuthBffError('invalid_state', 'This login callback was already used.', { reason: 'callback_replayed' });
    }
    const error = single(callback, names.error);
    if (error !== undefined) {
      const code = names.everyErrorMeans ?? errorResponseCode(error, names.unknownErrorMeans);
      throw new AuthBffError(code, 'The provider did not grant the login.', { reason: authorizationErrorReason(error) });
    }
    if (single(callback, names.code) === undefined) {
      throw new AuthBffError('access_denied', 'The provider sent no authorization code.', { reason: 'code_missing' });
    }
    const open = await sessionToLink(context, provider, transaction.link);

    const result = await step(() => provider.exchangeCode(callback, transaction, redirectUri(context, provider)), 'token_exchange_failed');
    const identity = await step(() => provider.resolveIdentity(result), 'profile_failed');
    const profile = await step(async () => boundedProfile(await provider.fetchProfile(result, identity)), 'profile_failed');
    const user: User = {
      ...provider.toUser(profile, identity),
      id: `${provider.id}:${identity.subject}`,
      provider: provider.id,
      providerUserId: identity.subject,
      ...(identity.unionId === undefined ? {} : { unionId: identity.unionId }),
    };
    const attempt = {
      provider: provider.id,
      user: { ...user },
      profile,
      accessToken: result.tokens.access_token,
      ...(open === undefined ? {} : { current: { user: { ...open.user }, ...(open.sessionData === undefined ? {} : { sessionData: open.sessionData }) } }),
    };
    const admission = await runLoginHook(context.onLogin, attempt, context.httpTimeoutMs);
    let session: { user: User; linked: string[] };
    if (transaction.link !== undefined) {
      const linked = await context.sessions.link(res, transaction.link, { provider: provider.id, tokens: result.tokens, ...admission });
      session = { user: linked.user, linked: linkedProviders(linked) };
    } else {
      const { userId, ...data } = admission;
      if (userId !== undefined) user.id = userId;
      await context.sessions.create(req, res, { provider: provider.id, user, profile, tokens: result.tokens, sid: identity.sid, ...data });
      session = { user, linked: [provider.id] };
    }
    context.logger.info('login.success', { provider: provider.id, user: session.user.id, linked: session.linked.length });
    context.emit({ type: 'login', provider: provider.id, userId: session.user.id, linked: session.linked });
    return loginLocation(returnTo, context.baseUrl);
  } catch (error) {
    const reported = failure(error);
    logFailure(context, provider, reported, error);
    return loginLocation(returnTo, context.baseUrl, reported.code);
  }
}
