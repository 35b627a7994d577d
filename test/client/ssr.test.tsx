// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthProvider, LoginButton, RequireAuth, useAuth } from '../../client/index.js';

function App() {
  const { status, user } = useAuth();
  return (
    <main>
      <p>{status}</p>
      <p>{user?.name}</p>
      <LoginButton provider="github" />
      <RequireAuth login="github" fallback={<p>guarded</p>}>
        <p>secret</p>
      </RequireAuth>
    </main>
  );
}

describe('server-side rendering', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('renders loading without window, document, BroadcastChannel or a request', () => {
    const fetchSpy = vi.fn();
    vi.stubGlobal('fetch', fetchSpy);
    vi.stubGlobal('BroadcastChannel', undefined);
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    const html = renderToString(
      <AuthProvider>
        <App />
      </AuthProvider>,
    );
    expect(html).toContain('<p>loading</p>');
    expect(html).toContain('<p>guarded</p>');
    expect(html).toContain('Sign in with github');
    expect(html).not.toContain('secret');
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
