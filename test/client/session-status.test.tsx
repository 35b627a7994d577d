import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { AuthClientError, AuthProvider, useAuth } from '../../client/index.js';
import { SIGNED_OUT, SessionView, heldReply, json, networkDown, renderWithAuth, signedIn, stubBff } from './harness.js';

describe('useAuth status', () => {
  it('is loading until the session answers, then authenticated with the user', async () => {
    const { reply, answer } = heldReply();
    stubBff({ '/auth/session': reply });
    renderWithAuth();
    expect(screen.getByRole('status').textContent).toBe('loading');
    answer(Response.json(signedIn('Ada Lovelace')));
    expect((await screen.findByText('authenticated: Ada Lovelace')).getAttribute('role')).toBe('status');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('is unauthenticated when the BFF says so', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT) });
    renderWithAuth();
    await screen.findByText('unauthenticated');
  });

  it('is an error carrying the BFF code when the session route fails', async () => {
    stubBff({ '/auth/session': json({ error: 'session_store_unavailable', message: 'redis down' }, 503) });
    renderWithAuth();
    await screen.findByText('error');
    expect(screen.getByRole('alert').textContent).toBe('session_store_unavailable');
  });

  it('is internal_error on a 500 without a known code', async () => {
    stubBff({ '/auth/session': () => new Response('<h1>oops</h1>', { status: 500 }) });
    renderWithAuth();
    await screen.findByText('error');
    expect(screen.getByRole('alert').textContent).toBe('internal_error');
  });

  it('is network_error, not provider_unavailable, when the BFF cannot be reached', async () => {
    stubBff({ '/auth/session': networkDown });
    let seen: unknown;
    function Probe() {
      seen = useAuth().error;
      return null;
    }
    renderWithAuth(
      <>
        <SessionView />
        <Probe />
      </>,
    );
    await screen.findByText('error');
    expect(screen.getByRole('alert').textContent).toBe('network_error');
    expect(seen).toBeInstanceOf(AuthClientError);
    expect(seen).toBeInstanceOf(Error);
  });

  it('reads the session with the CSRF header, the cookie and no HTTP cache', async () => {
    const bff = stubBff({ '/auth/session': json(SIGNED_OUT) });
    renderWithAuth();
    await screen.findByText('unauthenticated');
    const [init] = bff.requests('/auth/session');
    expect(new Headers(init?.headers).get('x-csrf')).toBe('1');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.cache).toBe('no-store');
  });

  it('makes one session request however many components ask', async () => {
    const bff = stubBff({ '/auth/session': json(signedIn('Ada')) });
    renderWithAuth(
      <>
        <SessionView />
        <SessionView />
        <SessionView />
      </>,
    );
    expect(await screen.findAllByText('authenticated: Ada')).toHaveLength(3);
    expect(bff.requests('/auth/session')).toHaveLength(1);
  });

  it('talks to the BFF under a custom basePath', async () => {
    stubBff({ '/api/auth/session': json(signedIn('Grace')) });
    renderWithAuth(<SessionView />, { basePath: '/api/auth' });
    await screen.findByText('authenticated: Grace');
  });

  it("leaves the app's own QueryClientProvider in charge", async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT) });
    const appClient = new QueryClient();
    let seen: QueryClient | undefined;
    function Child() {
      seen = useQueryClient();
      return <p>{useAuth().status}</p>;
    }
    render(
      <QueryClientProvider client={appClient}>
        <AuthProvider>
          <Child />
        </AuthProvider>
      </QueryClientProvider>,
    );
    await screen.findByText('unauthenticated');
    expect(seen).toBe(appClient);
  });

  it('keeps its session in the queryClient it is given', async () => {
    stubBff({ '/auth/session': json(signedIn('Ada')) });
    const appClient = new QueryClient();
    renderWithAuth(<SessionView />, { queryClient: appClient });
    await screen.findByText('authenticated: Ada');
    expect(appClient.getQueryCache().getAll().map((query) => query.state.data)).toContainEqual(signedIn('Ada', undefined, expect.any(Number) as number));
  });

  it('shows the initialSession at once, with no loading state and no request at mount', async () => {
    const bff = stubBff({ '/auth/session': json(SIGNED_OUT) });
    const seen: string[] = [];
    function Recorder() {
      seen.push(useAuth().status);
      return null;
    }
    renderWithAuth(
      <>
        <SessionView />
        <Recorder />
      </>,
      { initialSession: signedIn('Ada') },
    );
    expect(screen.getByRole('status').textContent).toBe('authenticated: Ada');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).not.toContain('loading');
    expect(bff.requests('/auth/session')).toHaveLength(0);
    // It is still the live session: a refetch asks the BFF.
    fireEvent.click(screen.getByRole('button', { name: 'Refetch' }));
    await screen.findByText('unauthenticated');
  });

  it('tells the developer when there is no AuthProvider', () => {
    function Orphan() {
      useAuth();
      return null;
    }
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(() => render(<Orphan />)).toThrow(/AuthProvider/);
    } finally {
      quiet.mockRestore();
    }
  });
});
