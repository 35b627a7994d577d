import { errors as joseErrors } from 'jose';
import * as oauth from 'oauth4webapi';
import type { AuthErrorCode } from '../../shared/index.js';
import { SealError } from '../crypto/seal.js';
import { AuthBffError } from '../errors.js';

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 8; current = (current).cause) {
    chain.push(current);
    if (!(current instanceof Error)) break;
  }
  return chain;
}

function claimOf(error: oauth.OperationProcessingError): unknown {
  return (error.cause as { claim?: unknown } | undefined)?.claim;
}

type InvalidResponseCause = { header?: unknown; claims?: unknown; body?: Record<string, unknown> } | undefined;

/** What an `INVALID_RESPONSE` is about: a malformed JWT (its header is named), missing or mistyped claims, or no ID token at all. */
function idTokenProblem(error: oauth.OperationProcessingError): 'malformed' | 'claims_invalid' | 'missing' | undefined {
  if (error.code !== oauth.INVALID_RESPONSE) return undefined;
  const cause = error.cause as InvalidResponseCause;
  if (cause?.header !== undefined) return 'malformed';
  if (cause?.claims !== undefined) return 'claims_invalid';
  if (typeof cause?.body?.access_token === 'string' && typeof cause.body.id_token !== 'string') return 'missing';
  return undefined;
}

/** The abort of a provider fetch whose `httpTimeoutMs` ran out while its body was being read. */
const isTimeout = (error: unknown) => error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');

function classifyOne(error: unknown): AuthErrorCode | undefined {
  if (error instanceof joseErrors.JWKSTimeout || isTimeout(error)) return 'provider_unavailable';
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iss') return 'issuer_mismatch';
  if (error instanceof joseErrors.JOSEError) return 'invalid_id_token';
  if (error instanceof oauth.OperationProcessingError) {
    if (error.code === oauth.JWT_CLAIM_COMPARISON) return claimOf(error) === 'iss' ? 'issuer_mismatch' : 'invalid_id_token';
    if (error.code === oauth.JWT_TIMESTAMP_CHECK || idTokenProblem(error)) return 'invalid_id_token';
  }
  return undefined;
}

/**
 * Turns whatever a provider step threw into an {@link AuthBffError}: timeouts
 * and outages anywhere in the cause chain stay `provider_unavailable`, ID token
 * and issuer failures get their own codes, everything else is the step's
 * `fallback` (the code -> token step: `token_exchange_failed`; id and profile:
 * `profile_failed`).
 */
export function classifyProviderError(error: unknown, fallback: AuthErrorCode): AuthBffError {
  const chain = causes(error);
  const ours = chain.find((cause) => cause instanceof AuthBffError);
  if (ours) return ours;
  const code = chain.map(classifyOne).find((found) => found !== undefined) ?? fallback;
  return new AuthBffError(code, describe(code), { cause: error });
}

function describe(code: AuthErrorCode): string {
  switch (code) {
    case 'issuer_mismatch':
      return 'The ID token was issued by another issuer than the one the login was sent to.';
    case 'invalid_id_token':
      return 'The ID token failed validation.';
    case 'provider_unavailable':
      return 'The provider did not answer in time.';
    case 'profile_failed':
      return "The user's id or profile could not be fetched from the provider.";
    default:
      return 'The provider refused to exchange the authorization code.';
  }
}

/** A claim name or a provider's error code as part of a reason: only short snake_case text, never free text. */
const token = (value: unknown) => (typeof value === 'string' && /^[a-z][a-z0-9_]{0,39}$/.test(value) ? value : 'other');

/** The reason of each jose error code we name; the keys are checked against jose's own list. */
const JOSE_REASONS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad_signature',
    ERR_JWKS_NO_MATCHING_KEY: 'unknown_kid',
    ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'ambiguous_kid',
    ERR_JOSE_ALG_NOT_ALLOWED: 'alg_not_allowed',
    ERR_JOSE_NOT_SUPPORTED: 'not_supported',
    ERR_JWS_INVALID: 'malformed',
    ERR_JWT_INVALID: 'malformed',
    ERR_JWT_EXPIRED: 'expired',
    ERR_JWKS_INVALID: 'jwks_invalid',
    ERR_JWKS_TIMEOUT: 'jwks_timeout',
  } satisfies Partial<Record<joseErrors.JOSEErrorCode, string>>),
);

/** The reason a library error stands for, or undefined when it is not one we know. */
function libraryReason(error: unknown, jwt: string): string | undefined {
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `${jwt}_${token(error.claim)}_invalid`;
  if (error instanceof joseErrors.JOSEError) {
    const reason = JOSE_REASONS.get(error.code);
    return reason === undefined ? `${jwt}_invalid` : reason.startsWith('jwks_') ? reason : `${jwt}_${reason}`;
  }
  if (error instanceof oauth.ResponseBodyError) return `provider_error:${token(error.error)}`;
  if (error instanceof oauth.WWWAuthenticateChallengeError) return 'provider_challenge';
  if (error instanceof oauth.OperationProcessingError) {
    switch (error.code) {
      case oauth.JWT_CLAIM_COMPARISON:
        return `${jwt}_${token(claimOf(error))}_mismatch`;
      case oauth.JWT_TIMESTAMP_CHECK:
        return `${jwt}_${token(claimOf(error))}_invalid`;
      case oauth.JSON_ATTRIBUTE_COMPARISON:
        return `response_${token((error.cause as { attribute?: unknown } | undefined)?.attribute)}_mismatch`;
      case oauth.RESPONSE_IS_NOT_JSON:
      case oauth.PARSE_ERROR:
        return 'response_not_json';
      case oauth.RESPONSE_IS_NOT_CONFORM:
        return 'response_unexpected_status';
      case oauth.INVALID_RESPONSE: {
        const problem = idTokenProblem(error);
        return problem === undefined ? 'response_invalid' : `${jwt}_${problem}`;
      }
      default:
        return 'response_invalid';
    }
  }
  if (isTimeout(error)) return 'provider_timeout';
  if (error instanceof SealError) return `sealed_${error.code}`;
  return undefined;
}

/**
 * A short machine-readable reason for logs (`tx_cookie_missing`,
 * `id_token_bad_signature`, `provider_timeout`...), never a message, a value
 * or a secret. The most specific cause wins: a reason one of our errors names,
 * else the deepest library error we know, else our error's code, else the
 * class name of an unexpected error. `jwt` names the token being checked.
 */
export function reasonOf(error: unknown, jwt: 'id_token' | 'logout_token' = 'id_token'): string {
  const chain = causes(error);
  const named = chain.find((cause): cause is AuthBffError => cause instanceof AuthBffError && cause.reason !== undefined);
  if (named) return named.reason!;
  const known = chain.map((cause) => libraryReason(cause, jwt)).findLast((reason) => reason !== undefined);
  if (known !== undefined) return known;
  const ours = chain.find((cause) => cause instanceof AuthBffError);
  if (ours) return ours.code;
  const root = chain.findLast((cause) => cause instanceof Error);
  return root instanceof Error ? `unexpected_${root.name}` : 'unexpected';
}
