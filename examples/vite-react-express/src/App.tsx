import { useEffect, useState } from 'react';
import { AuthProvider, LoginButton, RequireAuth, useAuth, useAuthFetch, useProviders } from 'bff-auth/client';
import type { User } from 'bff-auth/client';

export function App() {
  return (
    <AuthProvider>
      <Header />
      <RequireAuth loading={<p>Loading…</p>} fallback={<LoginButton provider="corp" />}>
        <Profile />
      </RequireAuth>
    </AuthProvider>
  );
}

function Header() {
  const { user, linked, error, signedOut, logout } = useAuth();
  const [signOutError, setSignOutError] = useState('');
  return (
    <header>
      {error && <p role="alert">Sign-in failed ({error.code})</p>}
      {signOutError && <p role="alert">{signOutError}</p>}
      {signedOut && !user && <p role="status">You are signed out.</p>}
      {user && (
        <button onClick={() => logout().catch((failure: Error) => setSignOutError(failure.message))}>
          Sign out {user.name}
        </button>
      )}
      {user && <ConnectGitHub linked={linked} />}
    </header>
  );
}

/** "Connect GitHub" (a link login: the session keeps its user and gains GitHub's token), when the server offers GitHub. */
function ConnectGitHub({ linked }: { linked: string[] }) {
  const offered = useProviders().data?.some((provider) => provider.id === 'github');
  if (linked.includes('github')) return <p>GitHub connected</p>;
  return offered ? <LoginButton provider="github" link /> : null;
}

/** Calls the app's own protected route: the session cookie and the CSRF header go along. */
function Profile() {
  const authFetch = useAuthFetch();
  const [answer, setAnswer] = useState('Asking the server…');
  useEffect(() => {
    let current = true;
    authFetch('/api/me')
      .then((response) => response.json())
      .then((body: { user: User }) => current && setAnswer(`The server says you are ${body.user.name}`))
      .catch((failure: Error) => current && setAnswer(failure.message));
    return () => {
      current = false;
    };
  }, [authFetch]);
  return <p>{answer}</p>;
}
