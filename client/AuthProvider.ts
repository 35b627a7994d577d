import { DEFAULT_BASE_PATH } from '../shared/index.js';
import { toAuthState } from './authState.js';
import { AuthContext } from './context.js';
import { useLoginErrorFromUrl } from './loginErrorFromUrl.js';
import { createElement, QueryClient, useEffect, useMemo, useQuery, useState } from './react.js';
import type { ReactNode } from './react.js';
import { createSessionControls } from './session.js';
import { useExpiryPoll } from './useExpiryPoll.js';

export interface AuthProviderProps {
  children?: ReactNode;
  /** The app's QueryClient, read once at mount. Without one the provider makes its own. */
  queryClient?: QueryClient;
  /** Where the BFF's routes sit. Default `/auth`. */
  basePath?: string;
}

/**
 * Holds the one session query for the hooks below it. It renders no QueryClientProvider, so the
 * app's own stays in charge; react-query is handed this provider's client explicitly.
 */
export function AuthProvider({ children, queryClient, basePath = DEFAULT_BASE_PATH }: AuthProviderProps) {
  const [client] = useState(() => queryClient ?? new QueryClient());
  const controls = useMemo(() => createSessionControls(client, basePath), [client, basePath]);
  useEffect(controls.connect, [controls]);
  const loginError = useLoginErrorFromUrl();
  const { data, error } = useQuery(controls.session, client);
  useExpiryPoll(data, controls.poll);

  const value = useMemo(
    () => ({ auth: toAuthState(data, error, loginError, controls.actions), client, basePath }),
    [data, error, loginError, controls, client, basePath],
  );
  return createElement(AuthContext.Provider, { value }, children);
}
