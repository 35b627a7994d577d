import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useAuth } from '../../client/index.js';
import { SIGNED_OUT, json, renderWithAuth, signedIn, stubBff, stubNavigation } from './harness.js';

describe('login()', () => {
  it('navigates to the login route, returning to the current path, query and hash', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT) });
    const assign = stubNavigation();
    window.history.replaceState(null, '', '/orders/7?sort=new#items');
    renderWithAuth();
    await screen.findByText('unauthenticated');
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(assign).toHaveBeenCalledExactlyOnceWith('/auth/login/github?returnTo=%2Forders%2F7%3Fsort%3Dnew%23items');
  });

  it('encodes the provider id and an explicit returnTo, under the basePath', async () => {
    stubBff({ '/bff/session': json(SIGNED_OUT) });
    const assign = stubNavigation();
    function Custom() {
      const { login } = useAuth();
      return <button onClick={() => login('corp sso/1', { returnTo: '/welcome?new=1' })}>Sign in</button>;
    }
    renderWithAuth(<Custom />, { basePath: '/bff' });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(assign).toHaveBeenCalledExactlyOnceWith('/bff/login/corp%20sso%2F1?returnTo=%2Fwelcome%3Fnew%3D1');
  });
});

describe('logout()', () => {
  it('posts with the CSRF header, shows signed out and follows the end-session URL', async () => {
    const bff = stubBff({
      '/auth/session': json(signedIn('Ada')),
      '/auth/logout': json({ redirectTo: 'https://idp.example/logout?state=abc' }),
    });
    const assign = stubNavigation();
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    fireEvent.click(screen.getByRole('button', { name: 'Log out' }));
    await screen.findByText('unauthenticated');
    const [init] = bff.requests('/auth/logout');
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('x-csrf')).toBe('1');
    expect(init?.credentials).toBe('same-origin');
    expect(assign).toHaveBeenCalledExactlyOnceWith('https://idp.example/logout?state=abc');
  });

  it('stays on the page when there is no end-session URL', async () => {
    stubBff({ '/auth/session': json(signedIn('Ada')), '/auth/logout': json({ redirectTo: null }) });
    const assign = stubNavigation();
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    fireEvent.click(screen.getByRole('button', { name: 'Log out' }));
    await screen.findByText('unauthenticated');
    expect(assign).not.toHaveBeenCalled();
  });

  it('rejects and keeps the session shown when the BFF refuses', async () => {
    stubBff({
      '/auth/session': json(signedIn('Ada')),
      '/auth/logout': json({ error: 'csrf_required', message: 'no header' }, 403),
    });
    let outcome: unknown;
    function Logout() {
      const { logout, status } = useAuth();
      return <button onClick={() => logout().catch((error: unknown) => (outcome = error))}>{status}</button>;
    }
    renderWithAuth(<Logout />);
    fireEvent.click(await screen.findByRole('button', { name: 'authenticated' }));
    await waitFor(() => expect(outcome).toEqual({ code: 'csrf_required', message: 'no header' }));
    expect(screen.getByRole('button').textContent).toBe('authenticated');
  });
});

describe('refresh()', () => {
  it('re-reads the session', async () => {
    const bff = stubBff({ '/auth/session': json(signedIn('Ada')) });
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    bff.routes['/auth/session'] = json(SIGNED_OUT);
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await screen.findByText('unauthenticated');
    expect(bff.requests('/auth/session')).toHaveLength(2);
  });
});
