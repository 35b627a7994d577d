import type { AuthErrorCode } from '../shared/index.js';

/** The HTTP status each error code answers with on fetch routes. */
export const ERROR_STATUS: Record<AuthErrorCode, number> = {
  access_denied: 403,
  invalid_state: 400,
  login_expired: 400,
  invalid_id_token: 502,
  issuer_mismatch: 502,
  token_exchange_failed: 502,
  profile_failed: 502,
  provider_unavailable: 503,
  unknown_provider: 404,
  csrf_required: 403,
  unauthenticated: 401,
  not_linked: 403,
  too_many_links: 409,
  session_store_unavailable: 503,
  rate_limited: 429,
  invalid_request: 400,
  method_not_allowed: 405,
  internal_error: 500,
};

/**
 * An error with a stable code from the closed list in shared/. Its message is
 * written by us and is safe to show and to log: it never carries a token, a code,
 * a secret or a cookie value.
 */
export class AuthBffError extends Error {
  override readonly name = 'AuthBffError';
  /** A short machine-readable cause for logs (`tx_cookie_missing`, `provider_timeout`...); never a secret. */
  readonly reason: string | undefined;
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    options?: { cause?: unknown; reason?: string },
  ) {
    super(message, options);
    this.reason = options?.reason;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Invalid configuration, found at start. The message names the field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly issues: readonly string[],
  ) {
    super(`Invalid bff-auth config:\n  - ${issues.join('\n  - ')}`);
  }
}
