import type { ClientErrorCode } from '../shared/index.js';

/**
 * What the client throws or reports: a stable `code` from the closed list in shared/
 * (the BFF's codes, plus `network_error` when the BFF itself cannot be reached).
 * Also the shape of a failed login's `?auth_error=`.
 */
export class AuthClientError extends Error {
  override readonly name = 'AuthClientError';
  readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
