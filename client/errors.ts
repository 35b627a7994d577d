import type { AuthErrorCode } from '../shared/index.js';

/** What went wrong, in the BFF's closed list of codes. Also the shape of a failed login's `?auth_error=`. */
export interface AuthClientError {
  code: AuthErrorCode;
  message: string;
}
