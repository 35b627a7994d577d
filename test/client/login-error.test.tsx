import { render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { AuthProvider } from '../../client/index.js';
import { describe, expect, it, vi } from 'vitest';
import { SIGNED_OUT, SessionView, json, renderWithAuth, signedIn, stubBff } from './harness.js';

const here = () => window.location.pathname + window.location.search + window.location.hash;

describe('a failed login in the address bar', () => {
  it.each([
    ['shows as the error while signed out, and leaves the address bar without it', '/settings?tab=profile&auth_error=access_denied&x=1#top', 'access_denied', '/settings?tab=profile&x=1#top'],
    ['keeps the path clean when it was the only parameter', '/?auth_error=login_expired', 'login_expired', '/'],
  ])('%s', async (_, address, code, cleaned) => {
    stubBff({ '/auth/session': json(SIGNED_OUT) });
    window.history.replaceState(null, '', address);
    renderWithAuth();
    await screen.findByText('unauthenticated');
    expect(screen.getByRole('alert').textContent).toBe(code);
    expect(here()).toBe(cleaned);
  });

  it('survives StrictMode running the effect twice', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT) });
    window.history.replaceState(null, '', '/?auth_error=invalid_state');
    render(
      <StrictMode>
        <AuthProvider>
          <SessionView />
        </AuthProvider>
      </StrictMode>,
    );
    await screen.findByText('unauthenticated');
    expect(screen.getByRole('alert').textContent).toBe('invalid_state');
  });

  it('does not make a pending session look failed', async () => {
    stubBff({ '/auth/session': () => new Promise<Response>(() => {}) });
    window.history.replaceState(null, '', '/?auth_error=access_denied');
    renderWithAuth();
    expect((await screen.findByRole('alert')).textContent).toBe('access_denied');
    expect(screen.getByRole('status').textContent).toBe('loading');
  });

  it('yields to a session read error', async () => {
    stubBff({ '/auth/session': json({ error: 'rate_limited', message: 'slow down' }, 429) });
    window.history.replaceState(null, '', '/?auth_error=access_denied');
    renderWithAuth();
    await screen.findByText('error');
    expect(screen.getByRole('alert').textContent).toBe('rate_limited');
  });

  it('ignores codes outside the closed list and leaves them alone', async () => {
    stubBff({ '/auth/session': json(signedIn('Ada')) });
    window.history.replaceState(null, '', '/?auth_error=%3Cscript%3E');
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(here()).toBe('/?auth_error=%3Cscript%3E');
  });
});

describe("back from the provider's end-session page", () => {
  const remember = (state: string) => sessionStorage.setItem('bff-auth:logout-state', state);

  it("says so when the state is this tab's logout's, and takes it out of the address bar", async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT) });
    remember('s1');
    window.history.replaceState(null, '', '/?state=s1&tab=2#top');
    renderWithAuth();
    await screen.findByText("Back from the provider's sign-out");
    expect(here()).toBe('/?tab=2#top');
    expect(sessionStorage.getItem('bff-auth:logout-state')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it.each([
    ['another state', 's2', 's1'],
    ['no logout in this tab', null, 's1'],
  ])('leaves a state parameter alone when there was %s (it may be the app\'s own)', async (_, stored, inUrl) => {
    stubBff({ '/auth/session': json(SIGNED_OUT) });
    if (stored) remember(stored);
    window.history.replaceState(null, '', `/?state=${inUrl}`);
    renderWithAuth();
    await screen.findByText('unauthenticated');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByText("Back from the provider's sign-out")).toBeNull();
    expect(here()).toBe(`/?state=${inUrl}`);
    expect(sessionStorage.getItem('bff-auth:logout-state')).toBe(stored);
  });

  it('works when the browser blocks storage', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT) });
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    window.history.replaceState(null, '', '/?state=s1');
    try {
      renderWithAuth();
      await screen.findByText('unauthenticated');
      expect(here()).toBe('/?state=s1');
    } finally {
      vi.restoreAllMocks();
    }
  });
});
