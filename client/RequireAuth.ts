import { useEffect } from './react.js';
import type { ReactNode } from './react.js';
import { useAuth } from './useAuth.js';

export interface RequireAuthProps {
  children?: ReactNode;
  /** Shown while loading and when signed out. Default nothing. */
  fallback?: ReactNode;
  /** A provider id: when signed out, start a login with it right away. */
  login?: string;
  returnTo?: string;
}

export function RequireAuth({ children, fallback = null, login: provider, returnTo }: RequireAuthProps) {
  const { status, error, login } = useAuth();
  // Not after a failed login (error set): retrying at once would bounce between the app and the provider.
  const shouldLogin = !!provider && status == 'unauthenticated' && !error;
  // Runs when shouldLogin turns true (login is stable). StrictMode's development-only second run
  // just assigns the same address again.
  useEffect(() => {
    if (shouldLogin) login(provider, { returnTo });
  }, [shouldLogin, provider, returnTo, login]);
  return status == 'authenticated' ? children : fallback;
}
