import { AUTH_ERROR_PARAM, isAuthErrorCode } from '../shared/index.js';
import { AuthClientError } from './errors.js';
import { useEffect, useState } from './react.js';

/** The sessionStorage key of the `state` a logout sent to the provider's end-session page. */
const LOGOUT_STATE_KEY = 'bff-auth:logout-state';
/** OIDC RP-Initiated Logout 1.0 §3: the provider returns `state` to the post-logout redirect URI. */
const STATE_PARAM = 'state';

/** A sessionStorage call; storage the browser blocks (access then throws) just means nothing is remembered. */
function withStorage<T>(use: (storage: Storage) => T): T | undefined {
  try {
    return use(sessionStorage);
  } catch {
    return undefined;
  }
}

/** Remembers the `state` of the end-session URL this tab is about to follow. */
export function rememberLogoutState(endSessionUrl: string): void {
  const state = new URL(endSessionUrl).searchParams.get(STATE_PARAM);
  if (state) withStorage((storage) => storage.setItem(LOGOUT_STATE_KEY, state));
}

export interface ReturnFromUrl {
  /** A failed login's `?auth_error=CODE`. */
  loginError: AuthClientError | null;
  /** Back from the provider's end-session page with the `state` this tab's logout sent. */
  signedOut: boolean;
}

/**
 * What the address bar says about how this page was reached: a failed login's
 * `?auth_error=`, or a return from the provider's end-session page. Each is taken out of
 * the address bar, keeping the other parameters and the hash; anything else is left alone.
 */
function takeFromUrl(): ReturnFromUrl | null {
  const url = new URL(location.href);
  const params = url.searchParams;
  const code = params.get(AUTH_ERROR_PARAM);
  const state = params.get(STATE_PARAM);
  const loginError = isAuthErrorCode(code) ? new AuthClientError(code, `Sign-in failed: ${code}`) : null;
  const signedOut =
    state !== null &&
    withStorage((storage) => storage.getItem(LOGOUT_STATE_KEY) === state && (storage.removeItem(LOGOUT_STATE_KEY), true)) === true;
  if (loginError) params.delete(AUTH_ERROR_PARAM);
  if (signedOut) params.delete(STATE_PARAM);
  if (!loginError && !signedOut) return null;
  history.replaceState(history.state, '', url);
  return { loginError, signedOut };
}

const NOTHING: ReturnFromUrl = { loginError: null, signedOut: false };

export function useReturnFromUrl(): ReturnFromUrl {
  const [found, setFound] = useState(NOTHING);
  useEffect(() => {
    // Set only when found: StrictMode runs this twice, and the second run finds a clean URL.
    const taken = takeFromUrl();
    if (taken) setFound(taken);
  }, []);
  return found;
}
