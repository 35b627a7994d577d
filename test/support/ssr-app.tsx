/**
 * The page of the server-rendering end-to-end test (test/e2e/ssr-initial-session.test.ts): who is
 * signed in with a "Sign out" button, "Sign in" when signed out, and `data-loading` on the loading
 * state, the one thing that page must never render. `data-hydrated` turns true once React runs it.
 */
import { useEffect, useState } from 'react';
import { LoginButton, useAuth } from '../../client/index.js';

export function Greeting() {
  const { status, user, logout } = useAuth();
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <main data-hydrated={hydrated}>
      {status === 'loading' ? (
        <p data-loading>Loading…</p>
      ) : user ? (
        <p>
          {`Signed in as ${user.name ?? ''}`}
          <button onClick={() => void logout()}>Sign out</button>
        </p>
      ) : (
        <LoginButton provider="dev" />
      )}
    </main>
  );
}
