import { useEffect, useState } from './react.js';
import { AUTH_ERROR_PARAM, isAuthErrorCode } from '../shared/index.js';
import type { AuthClientError } from './errors.js';

/** Takes a failed login's `?auth_error=CODE` out of the address bar, keeping the other parameters and the hash. */
function takeLoginErrorFromUrl(): AuthClientError | null {
  const url = new URL(location.href);
  const code = url.searchParams.get(AUTH_ERROR_PARAM);
  if (!isAuthErrorCode(code)) return null;
  url.searchParams.delete(AUTH_ERROR_PARAM);
  history.replaceState(history.state, '', url);
  return { code, message: `Sign-in failed (${code})` };
}

export function useLoginErrorFromUrl(): AuthClientError | null {
  const [error, setError] = useState<AuthClientError | null>(null);
  useEffect(() => {
    // Set only when found: StrictMode runs this twice, and the second run finds a clean URL.
    const found = takeLoginErrorFromUrl();
    if (found) setError(found);
  }, []);
  return error;
}
