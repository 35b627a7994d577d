import { DEFAULT_BASE_PATH } from '../shared/index.js';
import type { SessionResponse } from '../shared/index.js';
import { toAuthState } from './authState.js';
import { AuthContext } from './context.js';
import { QueryClient, useEffect, useMemo, useQuery, useState } from './react.js';
import type { ReactElement, ReactNode } from './react.js';
import { useReturnFromUrl } from './returnFromUrl.js';
import { createSessionControls } from './session.js';
import { useExpiryPoll } from './useExpiryPoll.js';

export interface AuthProviderProps {
  children?: ReactNode;
  /** The app's QueryClient, read once at mount. Without one the provider makes its own. */
  queryClient?: QueryClient | undefined;
  /** Where the BFF's routes sit. Default `/auth`. */
  basePath?: string | undefined;
  /**
   * The session as the server read it for this page (a server-rendered first load): the first
   * render shows it, with no loading state and no session request at mount.
   */
  initialSession?: SessionResponse | undefined;
}

/**
 * Holds the one session query for the hooks below it. It renders no QueryClientProvider, so the
 * app's own stays in charge; react-query is handed this provider's client explicitly.
 */
export function AuthProvider({ children, queryClient, basePath = DEFAULT_BASE_PATH, initialSession }: AuthProviderProps): ReactElement {
  const [client] = useState(() => queryClient ?? new QueryClient());
  const controls = useMemo(() => createSessionControls(client, basePath), [client, basePath]);
  useEffect(controls.connect, [controls]);
  const fromUrl = useReturnFromUrl();
  const { data, error } = useQuery({ ...controls.session, initialData: initialSession, refetchOnMount: !initialSession }, client);
  useExpiryPoll(data, controls.poll);

  const value = useMemo(
    () => ({ auth: toAuthState(data, error, fromUrl, controls.actions), client, basePath }),
    [data, error, fromUrl, controls, client, basePath],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
