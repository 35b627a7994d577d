import type { AuthErrorCode } from '../../../shared/index.js';
import { parseJson, valueAt } from '../json-body.js';

/**
 * How a platform may write an answer. Content-Type headers cannot be trusted
 * to pick the parser (WeChat serves JSON as text/plain, QQ urlencoded text or
 * JSONP), so the body itself is tried against each format in turn.
 */
export type AnswerFormat = 'json' | 'jsonp' | 'urlencoded';

const JSONP_OPEN = 'callback(';
const NAME = /^[\w.-]+$/;
const SPACE = /\s/;

/** `name=value` with a name of [\w.-] and a value without spaces (split first: no pattern ever spans the answer). */
const isPair = (piece: string) => {
  const at = piece.indexOf('=');
  return at > 0 && NAME.test(piece.slice(0, at)) && !SPACE.test(piece.slice(at + 1));
};

const PARSERS: Record<AnswerFormat, (text: string) => unknown> = {
  json: parseJson,
  // QQ: `callback( {"client_id":"...","openid":"..."} );`
  // Sliced, not matched: a lazy regex over the wrapper backtracks cubically on an answer of spaces.
  jsonp: (text) => {
    const call = text.endsWith(';') ? text.slice(0, -1) : text;
    return call.startsWith(JSONP_OPEN) && call.endsWith(')') ? parseJson(call.slice(JSONP_OPEN.length, -1)) : undefined;
  },
  // QQ's token endpoint without fmt=json: `access_token=...&expires_in=7776000&refresh_token=...`
  urlencoded: (text) => (text.split('&').every(isPair) ? Object.fromEntries(new URLSearchParams(text)) : undefined),
};

/** The answer parsed by the first format that reads it, or undefined. */
export function parseAnswer(text: string, formats: readonly AnswerFormat[]): unknown {
  const trimmed = text.trim();
  for (const format of formats) {
    const parsed = PARSERS[format](trimmed);
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

/**
 * A refusal inside an answer, whatever its HTTP status: a value at `path` that is not
 * one of `ok`. Values are compared as text, since platforms send one field as a
 * number in one answer and as a string in another (Douyin's `error_code`).
 */
export interface RefusalRule {
  path: string;
  ok?: readonly (string | number)[];
  /** With `ok`: an answer without a value at `path` is a refusal too. */
  required?: boolean;
  /** Values that mean "busy, try again later": `provider_unavailable`. */
  busy?: readonly (string | number)[];
  /** What the refusal means when it is not the step's own failure (a WeChat snapshot user: `access_denied`). */
  means?: AuthErrorCode;
}

export interface Refusal {
  rule: RefusalRule;
  /** The refusing value, short and safe for a message (a code, never free text). */
  value: string;
  busy: boolean;
}

const isOneOf = (value: unknown, list: readonly (string | number)[] = []) => list.some((item) => String(item) === String(value));

const isScalar = (value: unknown): value is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof value);

/**
 * A rule without `ok` refuses on any value present (`error`). A rule with `ok` fails closed:
 * null, empty, an object or array, and a missing value where the rule is `required`, are refusals.
 */
function refuses(value: unknown, rule: RefusalRule): boolean {
  if (rule.ok === undefined) return value !== undefined && value !== null && value !== '';
  if (value === undefined) return rule.required === true;
  return !isScalar(value) || !isOneOf(value, rule.ok);
}

/** Answers whose value at `path` is one of `values` (WeCom's errcodes for a stale app token, or a profile the app may not read). */
export interface AnswerMatch {
  path: string;
  values: readonly (string | number)[];
}

export const matches = (answer: unknown, match: AnswerMatch | undefined): boolean =>
  match !== undefined && isScalar(valueAt(answer, match.path)) && isOneOf(valueAt(answer, match.path), match.values);

export function findRefusal(answer: unknown, rules: readonly RefusalRule[]): Refusal | undefined {
  for (const rule of rules) {
    const value = valueAt(answer, rule.path);
    if (!refuses(value, rule)) continue;
    return { rule, value: (isScalar(value) ? String(value) : value === undefined ? 'missing' : JSON.stringify(value) ?? '').slice(0, 24), busy: isOneOf(value, rule.busy) };
  }
  return undefined;
}

const snake = (text: string) => text.toLowerCase().replace(/[^a-z0-9_]+/g, '_');

/**
 * A refusal as a log reason, like the `provider_error:invalid_grant` of RFC 6749 §5.2 answers:
 * the value, prefixed by its field when it is a number (`provider_error:errcode_40029`).
 */
export function refusalReason({ rule, value }: Refusal): string {
  const code = snake(value);
  return `provider_error:${/^[a-z]/.test(code) ? code : `${snake(rule.path)}_${code}`}`.slice(0, 60);
}
