import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LoginButton, useAuth } from '../../client/index.js';
import { json, renderWithAuth, SIGNED_OUT, signedIn, stubBff, stubNavigation } from './harness.js';

const PROVIDERS = [
  { id: 'wechat', name: 'WeChat', type: 'wechat' },
  { id: 'github', name: 'GitHub', type: 'github' },
];

function Connected() {
  const { status, linked, login } = useAuth();
  return (
    <>
      <p>{`${status}: ${linked.join(', ') || 'nothing linked'}`}</p>
      <button onClick={() => login('github', { link: true, returnTo: '/settings' })}>Link</button>
    </>
  );
}

describe('account linking in the client', () => {
  it('login(provider, { link: true }) navigates to the login route with link=1', async () => {
    stubBff({ '/auth/session': json({ ...signedIn(), provider: 'wechat', linked: ['wechat'] }) });
    const assign = stubNavigation();
    renderWithAuth(<Connected />);
    await screen.findByText('authenticated: wechat');
    fireEvent.click(screen.getByRole('button', { name: 'Link' }));
    expect(assign).toHaveBeenCalledExactlyOnceWith('/auth/login/github?returnTo=%2Fsettings&link=1');
  });

  it('LoginButton link is named "Connect {provider}" and starts a link login', async () => {
    stubBff({ '/auth/session': json(signedIn()), '/auth/providers': json(PROVIDERS) });
    const assign = stubNavigation();
    window.history.replaceState(null, '', '/profile');
    renderWithAuth(
      <>
        <LoginButton provider="github" link />
        <LoginButton provider="wechat" />
      </>,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Connect GitHub' }));
    expect(assign).toHaveBeenCalledExactlyOnceWith('/auth/login/github?returnTo=%2Fprofile&link=1');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with WeChat' }));
    expect(assign).toHaveBeenLastCalledWith('/auth/login/wechat?returnTo=%2Fprofile');
  });

  it("useAuth().linked is the session's linked providers, empty signed out", async () => {
    stubBff({ '/auth/session': json({ ...signedIn(), provider: 'wechat', linked: ['wechat', 'github'] }) });
    const first = renderWithAuth(<Connected />);
    await screen.findByText('authenticated: wechat, github');
    first.unmount();

    stubBff({ '/auth/session': json(SIGNED_OUT) });
    renderWithAuth(<Connected />);
    await screen.findByText('unauthenticated: nothing linked');
  });
});
