import { readFile } from 'node:fs/promises';
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
    expect(html).not.toContain('guarded');
    expect(html).toContain('>Sign in</button>');
    expect(html).not.toContain('secret');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('renders the initialSession as it is, signed in, with no request', () => {
    const fetchSpy = vi.fn();
    vi.stubGlobal('fetch', fetchSpy);
    const html = renderToString(
      <AuthProvider
        initialSession={{ authenticated: true, user: { id: 'github:1', provider: 'github', providerUserId: '1', name: 'Ada' }, provider: 'github', expiresAt: 2e9 }}
      >
        <App />
      </AuthProvider>,
    );
    expect(html).toContain('<p>authenticated</p>');
    expect(html).toContain('<p>Ada</p>');
    expect(html).toContain('<p>secret</p>');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("marks the client entry 'use client' for React Server Components", async () => {
    const source = await readFile(new URL('../../client/index.ts', import.meta.url), 'utf8');
    expect(source.startsWith("'use client';")).toBe(true);
  });
});
