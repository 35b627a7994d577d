import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AuthClientError, useAuth } from '../../client/index.js';
import { SIGNED_OUT, json, networkDown, renderWithAuth, signedIn, stubBff, stubNavigation } from './harness.js';

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
  /** A button that shows the status and logs out; returns what the last logout() rejected with. */
  function renderLogoutButton(): () => unknown {
    let outcome: unknown;
    function Logout() {
      const { logout, status } = useAuth();
      return <button onClick={() => logout().catch((error: unknown) => (outcome = error))}>{status}</button>;
    }
    renderWithAuth(<Logout />);
    return () => outcome;
  }

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
    const outcome = renderLogoutButton();
    fireEvent.click(await screen.findByRole('button', { name: 'authenticated' }));
    await waitFor(() => expect(outcome()).toBeInstanceOf(AuthClientError));
    expect(outcome()).toMatchObject({ code: 'csrf_required', message: 'no header' });
    expect(screen.getByRole('button').textContent).toBe('authenticated');
  });

  it('rejects with network_error, not provider_unavailable, when the BFF cannot be reached', async () => {
    stubBff({ '/auth/session': json(signedIn('Ada')), '/auth/logout': networkDown });
    const outcome = renderLogoutButton();
    fireEvent.click(await screen.findByRole('button', { name: 'authenticated' }));
    await waitFor(() => expect(outcome()).toBeInstanceOf(AuthClientError));
    expect((outcome() as AuthClientError).code).toBe('network_error');
    expect(screen.getByRole('button').textContent).toBe('authenticated');
  });

  it('remembers the state of the end-session URL it follows, for the way back', async () => {
    stubBff({ '/auth/session': json(signedIn('Ada')), '/auth/logout': json({ redirectTo: 'https://idp.example/logout?state=s1&client_id=a' }) });
    const assign = stubNavigation();
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    fireEvent.click(screen.getByRole('button', { name: 'Log out' }));
    await waitFor(() => expect(assign).toHaveBeenCalledOnce());
    expect(sessionStorage.getItem('bff-auth:logout-state')).toBe('s1');
  });

  // #8: a compromised or broken BFF answer must not run script or leave the origin in another scheme.
  it.each([
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['javascript: behind whitespace', ' \tjavascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a relative path', '/somewhere'],
    ['a scheme-relative URL', '//evil.example/logout'],
    ['another scheme', 'ftp://idp.example/logout'],
    ['https without slashes', 'https:evil.example'],
    ['a number', 42],
    ['an object', { href: 'https://idp.example/' }],
    ['a missing field', undefined],
  ])('does not follow %s: signs out here and rejects with internal_error', async (_, redirectTo) => {
    stubBff({ '/auth/session': json(signedIn('Ada')), '/auth/logout': json(redirectTo === undefined ? {} : { redirectTo }) });
    const assign = stubNavigation();
    const outcome = renderLogoutButton();
    fireEvent.click(await screen.findByRole('button', { name: 'authenticated' }));
    await screen.findByRole('button', { name: 'unauthenticated' });
    await waitFor(() => expect(outcome()).toBeInstanceOf(AuthClientError));
    expect((outcome() as AuthClientError).code).toBe('internal_error');
    expect(assign).not.toHaveBeenCalled();
    expect(sessionStorage.getItem('bff-auth:logout-state')).toBeNull();
  });

  it('follows http and https end-session URLs in any letter case', async () => {
    for (const redirectTo of ['http://localhost:3001/session/end?state=a', 'HTTPS://IDP.example/logout']) {
      stubBff({ '/auth/session': json(signedIn('Ada')), '/auth/logout': json({ redirectTo }) });
      const assign = stubNavigation();
      const view = renderWithAuth();
      await screen.findByText('authenticated: Ada');
      fireEvent.click(screen.getByRole('button', { name: 'Log out' }));
      await waitFor(() => expect(assign).toHaveBeenCalledExactlyOnceWith(redirectTo));
      view.unmount();
    }
  });
});

describe('refetch()', () => {
  it('re-reads the session', async () => {
    const bff = stubBff({ '/auth/session': json(signedIn('Ada')) });
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    bff.routes['/auth/session'] = json(SIGNED_OUT);
    fireEvent.click(screen.getByRole('button', { name: 'Refetch' }));
    await screen.findByText('unauthenticated');
    expect(bff.requests('/auth/session')).toHaveLength(2);
  });
});
