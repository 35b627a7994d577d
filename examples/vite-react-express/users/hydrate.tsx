import type { ReactElement } from 'react';
import { hydrateRoot } from 'react-dom/client';
import type { SessionResponse } from 'bff-auth';
import { AuthProvider } from 'bff-auth/client';

/** In the browser: the same tree over the server's HTML, with the session the server rendered it with. */
export function hydratePage(app: ReactElement): void {
  const initialSession = JSON.parse(document.getElementById('initial-session')!.textContent!) as SessionResponse;
  hydrateRoot(document.getElementById('root')!, <AuthProvider initialSession={initialSession}>{app}</AuthProvider>);
}
