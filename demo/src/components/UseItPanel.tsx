import { useAuth, useProviders } from 'bff-auth/client';

/** The few lines of an app behind what this page just did, written as an app imports them. */
const SNIPPETS = {
  signIn: (provider: string) => `import { LoginButton } from 'bff-auth/client';

<LoginButton provider="${provider}" />
// a <button>: "Sign in with …", back on this page afterwards`,

  signedIn: `import { useAuth } from 'bff-auth/client';

const { user, logout } = useAuth();
<p>Signed in as {user.name}</p>
<button onClick={() => logout()}>Sign out</button>`,

  callApi: `// In the browser: the cookie and the CSRF header go along
import { useAuthFetch } from 'bff-auth/client';
const authFetch = useAuthFetch();
const me = await authFetch('/api/me').then((r) => r.json());

// On the server (Express)
import { createAuthBff } from 'bff-auth/bff';
app.get('/api/me', auth.requireSession(), (req, res) => {
  res.json({ user: req.auth!.user });
});`,
};

export function UseItPanel({ page }: { page: 'home' | 'account' }) {
  const { status } = useAuth();
  const firstProvider = useProviders().data?.[0]?.id ?? 'dev';
  if (status === 'loading' || status === 'error') return null;
  const code =
    page === 'account' && status === 'authenticated'
      ? SNIPPETS.callApi
      : status === 'authenticated'
        ? SNIPPETS.signedIn
        : SNIPPETS.signIn(firstProvider);
  return (
    <aside className="card card-muted code-card" aria-labelledby="use-it-title" data-testid="use-it">
      <h2 id="use-it-title">Use it in your app</h2>
      <p className="muted">
        What this page just did, in the code of an app that installed <code>bff-auth</code>:
      </p>
      <pre tabIndex={0} aria-label="Example code">
        <code>{code}</code>
      </pre>
    </aside>
  );
}
