import { useEffect } from './react.js';
import type { ReactElement, ReactNode } from './react.js';
import { useAuth } from './useAuth.js';

export interface RequireAuthProps {
  children?: ReactNode;
  /** Shown when signed out (or when the session cannot be read). Default nothing. */
  fallback?: ReactNode;
  /** Shown while the session is loading. Default nothing, so a signed-in load never flashes the fallback. */
  loading?: ReactNode;
  /** A provider id: when signed out, start a login with it right away. */
  login?: string | undefined;
  returnTo?: string | undefined;
}

export function RequireAuth({ children, fallback, loading, login: provider, returnTo }: RequireAuthProps): ReactElement {
  const { status, error, login } = useAuth();
  // Not after a failed login (error set): retrying at once would bounce between the app and the provider.
  const shouldLogin = !!provider && status === 'unauthenticated' && !error;
  // Runs when shouldLogin turns true (login is stable). StrictMode's development-only second run
  // just assigns the same address again.
  useEffect(() => {
    if (shouldLogin) login(provider, { returnTo });
  }, [shouldLogin, provider, returnTo, login]);
  return <>{status === 'authenticated' ? children : status === 'loading' ? loading : fallback}</>;
}
