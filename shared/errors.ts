/**
 * The closed list of error codes the BFF speaks. Fetch routes answer
 * `{"error": code, "message": "..."}`; navigation routes (the login callback)
 * redirect with `?auth_error=code`.
 */
export const AUTH_ERROR_CODES = [
  /** The user said no at the provider, or the provider sent no code (WeChat's denial). */
  'access_denied',
  /** No transaction cookie, a state that does not match, or a replayed callback. */
  'invalid_state',
  /** The login transaction is older than its 10 minutes. */
  'login_expired',
  /** The ID token failed signature, audience, nonce or time checks. */
  'invalid_id_token',
  /** The `iss` callback parameter (RFC 9207) or the ID token issuer is not the expected one. */
  'issuer_mismatch',
  /** The provider refused the code (`invalid_grant`, an `errcode` body, a 200 carrying an error). */
  'token_exchange_failed',
  /** The id or profile step failed or disagreed (for example a userinfo `sub` mismatch). */
  'profile_failed',
  /** Timeout, network error or 5xx from the provider. */
  'provider_unavailable',
  /** No provider with that id is configured. */
  'unknown_provider',
  /** A fetch route was called without the `x-csrf: 1` header, or a navigation route by what the browser marks as no top-level navigation. */
  'csrf_required',
  /** A fetch route that needs a session was called without one. */
  'unauthenticated',
  /** The session holds no tokens of the provider asked for (an API proxy entry's, `req.auth.accessToken(provider)`): connect it with a link login first. */
  'not_linked',
  /** A link login would make the session hold the tokens of more than 5 providers. */
  'too_many_links',
  /** The session store did not answer. */
  'session_store_unavailable',
  /** Too many requests. */
  'rate_limited',
  /** The request is malformed. */
  'invalid_request',
  /** The method is not allowed on this route. */
  'method_not_allowed',
  /** A fault in the BFF itself; never the answer to a client's mistake. */
  'internal_error',
] as const;

export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

/** The codes only the client reports: the BFF never answers with them. */
export const CLIENT_ERROR_CODES = [
  /** The BFF itself could not be reached (offline, DNS, the server is down). Not `provider_unavailable`. */
  'network_error',
] as const;

/** Every code an `AuthClientError` can carry: the BFF's closed list plus the client's own. */
export type ClientErrorCode = AuthErrorCode | (typeof CLIENT_ERROR_CODES)[number];

/** The query parameter a failed login adds to the `returnTo` address. */
export const AUTH_ERROR_PARAM = 'auth_error';

export function isAuthErrorCode(value: unknown): value is AuthErrorCode {
  return (AUTH_ERROR_CODES as readonly unknown[]).includes(value);
}
