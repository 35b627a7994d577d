import type { AuthClientError, ClientErrorCode } from 'bff-auth/client';

/** Every code the BFF can answer with, as a sentence a person can act on. */
const SENTENCES: Record<ClientErrorCode, string> = {
  access_denied: 'You declined the sign-in at the provider.',
  invalid_state: 'The sign-in could not be verified: it may have been finished in another tab, or used twice. Please sign in again.',
  login_expired: 'The sign-in took too long and expired. Please sign in again.',
  invalid_id_token: "The provider's identity token did not pass verification, so you were not signed in.",
  issuer_mismatch: 'The sign-in answer did not come from the provider it was sent to, so it was refused.',
  token_exchange_failed: 'The provider refused to complete the sign-in. Please try again.',
  profile_failed: 'Your profile could not be read from the provider, so you were not signed in.',
  provider_unavailable: 'The sign-in service is not responding right now. Please try again in a moment.',
  unknown_provider: 'That sign-in option is not available here.',
  csrf_required: 'The request was blocked by the cross-site request protection.',
  unauthenticated: 'You are not signed in.',
  not_linked: 'Connect that account first.',
  too_many_links: 'This sign-in already has as many connected accounts as it can hold.',
  session_store_unavailable: 'Sessions are temporarily unavailable. Please try again in a moment.',
  rate_limited: 'Too many attempts. Please wait a moment and try again.',
  invalid_request: 'The request was not understood.',
  method_not_allowed: 'That action is not allowed.',
  internal_error: 'Something went wrong on our side. Please try again.',
  network_error: "The app's server is not answering. Check your connection, then try again.",
};

export function describeError(error: AuthClientError): string {
  return SENTENCES[error.code] ?? error.message;
}

/** The codes a login callback redirects with (`?auth_error=`), as opposed to a failed fetch. */
const LOGIN_FAILURES = new Set<ClientErrorCode>([
  'access_denied',
  'invalid_state',
  'login_expired',
  'invalid_id_token',
  'issuer_mismatch',
  'token_exchange_failed',
  'profile_failed',
  'unknown_provider',
  'too_many_links',
]);

export function isLoginFailure(error: AuthClientError): boolean {
  return LOGIN_FAILURES.has(error.code);
}
