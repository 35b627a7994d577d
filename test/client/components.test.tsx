import { QueryClient } from '@tanstack/react-query';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { LoginButton, RequireAuth } from '../../client/index.js';
import { SIGNED_OUT, SessionView, heldReply, json, renderWithAuth, signedIn, stubBff, stubNavigation } from './harness.js';

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

  it('never shows the raw id before the list answers: "Sign in", then the name, or the id if the list lacks it', async () => {
    const { reply, answer } = heldReply();
    const bff = stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': reply });
    const labels = new Set<string>();
    const observer = new MutationObserver(() => document.querySelectorAll('button').forEach((b) => labels.add(b.textContent ?? '')));
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    renderWithAuth(
      <>
        <LoginButton provider="wechat" />
        <LoginButton provider="github" />
      </>,
    );
    expect(screen.getAllByRole('button', { name: 'Sign in' })).toHaveLength(2);
    answer(Response.json(PROVIDERS));
    await screen.findByRole('button', { name: 'Sign in with GitHub' });
    expect(screen.getByRole('button', { name: 'Sign in with wechat' })).toBeTruthy();
    observer.disconnect();
    expect(labels).not.toContain('Sign in with github');
    expect(bff.requests('/auth/providers')).toHaveLength(1);
  });

  it('shows the id when the provider list cannot be read', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json({ error: 'rate_limited', message: 'slow down' }, 429) });
    // The app's QueryClient decides about retries; this one gives up at once.
    renderWithAuth(<LoginButton provider="github" />, { queryClient: new QueryClient({ defaultOptions: { queries: { retry: false } } }) });
    await screen.findByRole('button', { name: 'Sign in with github' });
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
    const button = screen.getByRole('button', { name: /Sign in/ });
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
    const button = screen.getByRole('button', { name: /Sign in/ });
    fireEvent.click(button);
    expect(button.hasAttribute('disabled')).toBe(true);
    fireEvent(window, new Event('pageshow'));
    await waitFor(() => expect(button.hasAttribute('disabled')).toBe(false));
  });

  it('lets an onClick that prevents default stop the login', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json(PROVIDERS) });
    const assign = stubNavigation();
    renderWithAuth(<LoginButton provider="github" onClick={(event) => event.preventDefault()} />);
    fireEvent.click(screen.getByRole('button', { name: /Sign in/ }));
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
  it('shows the loading slot while loading, never the fallback, then the fallback when signed out', async () => {
    const { reply, answer } = heldReply();
    stubBff({ '/auth/session': reply });
    renderWithAuth(
      <>
        <SessionView />
        <RequireAuth fallback={<p>Please sign in</p>} loading={<p>Checking your session</p>}>
          <p>Secret</p>
        </RequireAuth>
      </>,
    );
    expect(screen.getByText('Checking your session')).toBeTruthy();
    expect(screen.queryByText('Please sign in')).toBeNull();
    answer(Response.json(SIGNED_OUT));
    await screen.findByText('unauthenticated');
    expect(screen.getByText('Please sign in')).toBeTruthy();
    expect(screen.queryByText('Checking your session')).toBeNull();
    expect(screen.queryByText('Secret')).toBeNull();
  });

  it('renders nothing while loading by default, so a signed-in load goes straight to the children', async () => {
    const { reply, answer } = heldReply();
    stubBff({ '/auth/session': reply });
    const seen: string[] = [];
    const observer = new MutationObserver(() => seen.push(document.body.textContent ?? ''));
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    renderWithAuth(
      <section data-testid="guarded">
        <RequireAuth fallback={<LoginButton provider="corp" />}>
          <p>Secret</p>
        </RequireAuth>
      </section>,
    );
    expect(screen.getByTestId('guarded').innerHTML).toBe('');
    answer(Response.json(signedIn('Ada')));
    await screen.findByText('Secret');
    observer.disconnect();
    expect(seen.join(' ')).not.toMatch(/Sign in/);
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
