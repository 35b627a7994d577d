import { createContext, useContext } from './react.js';
import type { QueryClient } from './react.js';
import type { AuthState } from './authState.js';

export interface AuthContextValue {
  auth: AuthState;
  client: QueryClient;
  basePath: string;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuthContext(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('bff-auth: no AuthProvider');
  return value;
}
