import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { LoginButton, RequireAuth } from '../../client/index.js';
import { SIGNED_OUT, SessionView, json, renderWithAuth, signedIn, stubBff, stubNavigation } from './harness.js';

const PROVIDERS = [
  { id: 'github', name: 'GitHub', type: 'github' },
  { id: 'corp', name: 'Contoso SSO', type: 'oidc' },
];

describe('LoginButton', () => {
  it("is a button named after the provider's display name", async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json(PROVIDERS) });
    renderWithAuth(<LoginButton provider="corp" />);
    const button = await screen.findByRole('button', { name: 'Sign in with Contoso SSO' });
    expect(button.getAttribute('type')).toBe('button');
  });

  it('reads the providers under the basePath', async () => {
    stubBff({ '/bff/session': json(SIGNED_OUT), '/bff/providers': json(PROVIDERS) });
    renderWithAuth(<LoginButton provider="github" />, { basePath: '/bff' });
    await screen.findByRole('button', { name: 'Sign in with GitHub' });
  });

  it('falls back to the provider id until (or unless) the list names it', async () => {
    const bff = stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json(PROVIDERS) });
    renderWithAuth(
      <>
        <LoginButton provider="wechat" />
        <LoginButton provider="github" />
      </>,
    );
    expect(screen.getByRole('button', { name: 'Sign in with github' })).toBeTruthy();
    await screen.findByRole('button', { name: 'Sign in with GitHub' });
    expect(screen.getByRole('button', { name: 'Sign in with wechat' })).toBeTruthy();
    expect(bff.requests('/auth/providers')).toHaveLength(1);
  });

  it('uses its children as the label', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json(PROVIDERS) });
    renderWithAuth(
      <LoginButton provider="github">
        Continue with <b>GitHub</b>
      </LoginButton>,
    );
    expect(screen.getByRole('button', { name: 'Continue with GitHub' })).toBeTruthy();
  });

  it('starts the login and is disabled and busy while it does', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json(PROVIDERS) });
    const assign = stubNavigation();
    const onClick = vi.fn();
    renderWithAuth(<LoginButton provider="github" returnTo="/after" onClick={onClick} />);
    const button = screen.getByRole('button', { name: /Sign in with/ });
    expect(button.hasAttribute('disabled')).toBe(false);
    fireEvent.click(button);
    expect(assign).toHaveBeenCalledExactlyOnceWith('/auth/login/github?returnTo=%2Fafter');
    expect(onClick).toHaveBeenCalledOnce();
    expect(button.hasAttribute('disabled')).toBe(true);
    expect(button.getAttribute('aria-busy')).toBe('true');
    fireEvent.click(button);
    expect(assign).toHaveBeenCalledOnce();
  });

  it('is enabled again when the browser brings the page back from its cache', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json(PROVIDERS) });
    stubNavigation();
    renderWithAuth(<LoginButton provider="github" />);
    const button = screen.getByRole('button', { name: /Sign in with/ });
    fireEvent.click(button);
    expect(button.hasAttribute('disabled')).toBe(true);
    fireEvent(window, new Event('pageshow'));
    await waitFor(() => expect(button.hasAttribute('disabled')).toBe(false));
  });

  it('lets an onClick that prevents default stop the login', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json(PROVIDERS) });
    const assign = stubNavigation();
    renderWithAuth(<LoginButton provider="github" onClick={(event) => event.preventDefault()} />);
    fireEvent.click(screen.getByRole('button', { name: /Sign in with/ }));
    expect(assign).not.toHaveBeenCalled();
  });

  it('is a native, focusable button, so Enter and Space activate it', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json(PROVIDERS) });
    renderWithAuth(<LoginButton provider="github" />);
    const button = await screen.findByRole('button', { name: 'Sign in with GitHub' });
    expect(button).toBeInstanceOf(HTMLButtonElement);
    button.focus();
    expect(document.activeElement).toBe(button);
  });
});

describe('RequireAuth', () => {
  it('shows the fallback while loading and when signed out', async () => {
    let answer!: (response: Response) => void;
    stubBff({ '/auth/session': () => new Promise<Response>((resolve) => (answer = resolve)) });
    renderWithAuth(
      <>
        <SessionView />
        <RequireAuth fallback={<p>Please sign in</p>}>
          <p>Secret</p>
        </RequireAuth>
      </>,
    );
    expect(screen.getByText('Please sign in')).toBeTruthy();
    answer(Response.json(SIGNED_OUT));
    await screen.findByText('unauthenticated');
    expect(screen.getByText('Please sign in')).toBeTruthy();
    expect(screen.queryByText('Secret')).toBeNull();
  });

  it('shows nothing without a fallback', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT) });
    renderWithAuth(
      <>
        <SessionView />
        <section data-testid="guarded">
          <RequireAuth>
            <p>Secret</p>
          </RequireAuth>
        </section>
      </>,
    );
    await screen.findByText('unauthenticated');
    expect(screen.getByTestId('guarded').innerHTML).toBe('');
  });

  it('shows the children when signed in', async () => {
    stubBff({ '/auth/session': json(signedIn('Ada')) });
    renderWithAuth(
      <RequireAuth fallback={<p>Please sign in</p>}>
        <p>Secret</p>
      </RequireAuth>,
    );
    await screen.findByText('Secret');
    expect(screen.queryByText('Please sign in')).toBeNull();
  });

  it('starts the login once when asked to and signed out', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT) });
    const assign = stubNavigation();
    window.history.replaceState(null, '', '/reports?q=1');
    renderWithAuth(
      <RequireAuth login="corp">
        <p>Secret</p>
      </RequireAuth>,
    );
    await waitFor(() => expect(assign).toHaveBeenCalled());
    expect(assign).toHaveBeenCalledExactlyOnceWith('/auth/login/corp?returnTo=%2Freports%3Fq%3D1');
  });

  it('does not start a login while signed in', async () => {
    stubBff({ '/auth/session': json(signedIn('Ada')) });
    const assign = stubNavigation();
    renderWithAuth(
      <RequireAuth login="corp">
        <p>Secret</p>
      </RequireAuth>,
    );
    await screen.findByText('Secret');
    expect(assign).not.toHaveBeenCalled();
  });

  it('does not retry right after a failed login, which would loop through the provider', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT) });
    const assign = stubNavigation();
    window.history.replaceState(null, '', '/?auth_error=access_denied');
    renderWithAuth(
      <>
        <SessionView />
        <RequireAuth login="corp" fallback={<p>Sign-in was cancelled</p>}>
          <p>Secret</p>
        </RequireAuth>
      </>,
    );
    await screen.findByText('unauthenticated');
    expect(screen.getByRole('alert').textContent).toBe('access_denied');
    expect(screen.getByText('Sign-in was cancelled')).toBeTruthy();
    expect(assign).not.toHaveBeenCalled();
  });
});
