import type { AuthState } from './authState.js';
import { useAuthContext } from './context.js';

/** The session and the actions on it. Every caller shares the provider's one session query. */
export function useAuth(): AuthState {
  return useAuthContext().auth;
}
