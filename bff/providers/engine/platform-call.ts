import type { AuthErrorCode } from '../../../shared/index.js';
import { AuthBffError } from '../../errors.js';
import { readBodyText, valueAt } from '../json-body.js';
import { findRefusal, matches, parseAnswer, refusalReason, type AnswerFormat, type AnswerMatch, type RefusalRule } from './answers.js';
import { STEP_FAILURE, type CallSpec, type Params, type PlatformRequest } from './platform-spec.js';

export type Step = keyof typeof STEP_FAILURE;

/** What of a platform says how its calls go out and its answers are read (a `PlatformSpec` is one). */
export interface CallRules<Config> {
  /** For error messages. */
  name: string;
  headers?: Record<string, string>;
  answers?: readonly AnswerFormat[];
  refusals?: readonly RefusalRule[];
  /** The answers that say the app-level token a call carried is no longer valid (a spec's `appToken.invalid`). */
  appToken?: { invalid: AnswerMatch };
  hooks?: {
    sign?: (request: PlatformRequest, config: Config) => PlatformRequest;
    readAnswer?: (text: string, request: PlatformRequest, config: Config, failure: AuthErrorCode) => unknown;
  };
}

/** One call to the platform; resolves with the answer's content (undefined for a revocation's, or an answer the call's `skipOn` leaves out). */
export type PlatformCall = <Context>(call: CallSpec<Context>, endpoint: string, context: Context, step: Step) => Promise<unknown>;

/**
 * A call refused because the app-level token it carried is no longer valid: the provider fetches
 * a new one and tries once more; a second one fails the step like any refusal.
 */
export class StaleAppToken extends AuthBffError {}

/** The named values that are set, in order. */
export function present(params: Record<string, string | undefined>): Array<[string, string]> {
  return Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
}

function buildRequest<Context>(call: CallSpec<Context>, endpoint: string, context: Context, platformHeaders: Record<string, string> = {}): PlatformRequest {
  const values = (params: Params<Context> | undefined) => present(params?.(context) ?? {});
  const url = new URL(endpoint);
  for (const [name, value] of values(call.query)) url.searchParams.append(name, value);
  const headers: Record<string, string> = { accept: 'application/json', ...platformHeaders, ...Object.fromEntries(values(call.headers)) };
  if (call.json) {
    headers['content-type'] ??= 'application/json';
    return { url, method: call.method, headers, body: JSON.stringify(Object.fromEntries(values(call.json))) };
  }
  if (call.form) headers['content-type'] ??= 'application/x-www-form-urlencoded';
  return { url, method: call.method, headers, body: call.form && new URLSearchParams(values(call.form)) };
}

/** One call to the platform, its answer read but not judged (bff-auth doctor's probe). */
export type PlatformAnswer = <Context>(call: CallSpec<Context>, endpoint: string, context: Context, step: Step) => Promise<{ response: Response; answer: unknown }>;

/** The request built from the call's data (and signed, where the platform signs), the answer parsed whatever its content-type. */
export function createPlatformAnswer<Config>(rules: CallRules<Config>, config: Config, fetch: typeof globalThis.fetch): PlatformAnswer {
  const { hooks } = rules;
  return async (call, endpoint, context, step) => {
    const unsigned = buildRequest(call, endpoint, context, rules.headers);
    const request = hooks?.sign ? hooks.sign(unsigned, config) : unsigned;
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body?.toString() });
    const text = await readBodyText(response);
    const answer = hooks?.readAnswer ? hooks.readAnswer(text, request, config, STEP_FAILURE[step]) : parseAnswer(text, rules.answers ?? ['json']);
    return { response, answer };
  };
}

/**
 * The engine's one way to call a platform: the answer read (createPlatformAnswer), a
 * refusal found inside it before its HTTP status is looked at (platforms refuse with
 * HTTP 200), then the envelope opened. No URL, secret or token goes into an error message.
 */
export function createPlatformCall<Config>(rules: CallRules<Config>, config: Config, fetch: typeof globalThis.fetch): PlatformCall {
  const { name } = rules;
  const read = createPlatformAnswer(rules, config, fetch);
  return async (call, endpoint, context, step) => {
    const { response, answer } = await read(call, endpoint, context, step);
    const failure = STEP_FAILURE[step];
    const appToken = (context as { appToken?: string }).appToken;
    if (appToken !== undefined && matches(answer, rules.appToken?.invalid)) {
      throw new StaleAppToken(failure, `${name}'s ${step} endpoint refused the app token.`, { reason: 'app_token_stale' });
    }
    if (matches(answer, call.skipOn)) return undefined;
    const own = typeof call.refusals === 'function' ? call.refusals(context) : (call.refusals ?? []);
    const refusal = findRefusal(answer, [...(rules.refusals ?? []), ...own]);
    if (refusal) {
      const code = refusal.busy ? 'provider_unavailable' : (refusal.rule.means ?? failure);
      throw new AuthBffError(code, `${name}'s ${step} endpoint answered ${refusal.rule.path} ${refusal.value}.`, { reason: refusalReason(refusal) });
    }
    if (!response.ok) throw new AuthBffError(failure, `${name}'s ${step} endpoint answered HTTP ${response.status}.`, { reason: 'response_unexpected_status' });
    const content = call.envelope === undefined ? answer : valueAt(answer, call.envelope);
    // RFC 7009 §2.2: a revocation's success is its status; the body, often empty, is not read.
    if (content === undefined && step !== 'revocation') {
      throw new AuthBffError(failure, `${name}'s ${step} answer could not be read.`, { reason: answer === undefined ? 'response_not_json' : 'response_invalid' });
    }
    return content;
  };
}
