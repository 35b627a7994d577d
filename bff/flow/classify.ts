import { errors as joseErrors } from 'jose';
import * as oauth from 'oauth4webapi';
import type { AuthErrorCode } from '../../shared/index.js';
import { AuthBffError } from '../errors.js';

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 8; current = (current as Error).cause) {
    chain.push(current);
    if (!(current instanceof Error)) break;
  }
  return chain;
}

function claimOf(error: oauth.OperationProcessingError): unknown {
  return (error.cause as { claim?: unknown } | undefined)?.claim;
}

/** A malformed JWT (its header is named in the cause), or a token response with an access token but no ID token. */
function isIdTokenProblem(error: oauth.OperationProcessingError): boolean {
  if (error.code !== oauth.INVALID_RESPONSE) return false;
  const cause = error.cause as { header?: unknown; body?: Record<string, unknown> } | undefined;
  return cause?.header !== undefined || (typeof cause?.body?.access_token === 'string' && typeof cause.body.id_token !== 'string');
}

/** The abort of a provider fetch whose `httpTimeoutMs` ran out while its body was being read. */
const isTimeout = (error: unknown) => error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');

function classifyOne(error: unknown): AuthErrorCode | undefined {
  if (error instanceof joseErrors.JWKSTimeout || isTimeout(error)) return 'provider_unavailable';
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iss') return 'issuer_mismatch';
  if (error instanceof joseErrors.JOSEError) return 'invalid_id_token';
  if (error instanceof oauth.OperationProcessingError) {
    if (error.code === oauth.JWT_CLAIM_COMPARISON) return claimOf(error) === 'iss' ? 'issuer_mismatch' : 'invalid_id_token';
    if (error.code === oauth.JWT_TIMESTAMP_CHECK || isIdTokenProblem(error)) return 'invalid_id_token';
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

/** A short, safe description of an error's root for logs: a code or a class name, never a message. */
export function reasonOf(error: unknown): string {
  const chain = causes(error);
  const root = chain[chain.length - 1];
  if (root instanceof oauth.OperationProcessingError || root instanceof joseErrors.JOSEError) return root.code ?? root.name;
  if (root instanceof oauth.ResponseBodyError) return `${root.name}:${root.error}`.slice(0, 80);
  return root instanceof Error ? root.name : typeof root;
}
