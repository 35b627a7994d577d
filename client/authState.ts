import type { JsonObject, SessionResponse, User } from '../shared/index.js';
import type { AuthClientError } from './errors.js';
import type { ReturnFromUrl } from './returnFromUrl.js';
import type { AuthActions } from './session.js';

export type AuthStatus = 'loading' | 'authenticated' | 'unauthenticated' | 'error';

export interface AuthState extends AuthActions {
  /** `error` only while no session has been read; a failed re-read keeps the last known status. */
  status: AuthStatus;
  user: User | null;
  /** The session's `clientData` (set by the app's `onLogin`), or null. */
  clientData: JsonObject | null;
  /** The provider ids whose tokens the session holds (the login's first, then those linked); empty when signed out (or an `initialSession` names none). */
  linked: string[];
  isLoading: boolean;
  isAuthenticated: boolean;
  /** The last session read's failure, else a failed login's `?auth_error=`. */
  error: AuthClientError | null;
  /**
   * True on the page the provider's end-session page sent this tab back to, after its `logout()`:
   * the `state` matched, and it has been taken out of the address bar.
   */
  signedOut: boolean;
}

export function toAuthState(
  session: SessionResponse | undefined,
  readError: AuthClientError | null,
  { loginError, signedOut }: ReturnFromUrl,
  actions: AuthActions,
): AuthState {
  const status: AuthStatus = session
    ? session.authenticated ? 'authenticated' : 'unauthenticated'
    : readError ? 'error' : 'loading';
  return {
    ...actions,
    status,
    user: session?.authenticated ? session.user : null,
    clientData: (session?.authenticated && session.clientData) || null,
    linked: (session?.authenticated && session.linked) || [],
    isLoading: status === 'loading',
    isAuthenticated: status === 'authenticated',
    error: readError ?? loginError,
    signedOut,
  };
}
