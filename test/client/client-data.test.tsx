import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useAuth } from '../../client/index.js';
import type { JsonObject } from '../../shared/index.js';
import { json, renderWithAuth, SIGNED_OUT, signedIn, stubBff } from './harness.js';

function Plan() {
  const { status, clientData, refetch } = useAuth();
  return (
    <>
      <p>{`${status}: ${clientData === null ? 'no clientData' : JSON.stringify(clientData)}`}</p>
      <button onClick={() => void refetch()}>Refetch</button>
    </>
  );
}

const withClientData = (clientData: JsonObject) => ({ ...signedIn(), clientData });

describe("useAuth().clientData: what the app's onLogin gave the browser", () => {
  it('is the session\'s clientData, as /auth/session answers it', async () => {
    stubBff({ '/auth/session': json(withClientData({ plan: 'pro', seats: [1, 2] })) });
    renderWithAuth(<Plan />);
    await screen.findByText('authenticated: {"plan":"pro","seats":[1,2]}');
  });

  it('changes at the next read after the server changed it (auth.updateSession in another tab)', async () => {
    const bff = stubBff({ '/auth/session': json(withClientData({ plan: 'pro' })) });
    renderWithAuth(<Plan />);
    await screen.findByText('authenticated: {"plan":"pro"}');
    bff.routes['/auth/session'] = json(withClientData({ plan: 'team' }));
    fireEvent.click(screen.getByText('Refetch'));
    await screen.findByText('authenticated: {"plan":"team"}');
  });

  it('is null for a session without clientData, and when signed out', async () => {
    stubBff({ '/auth/session': json(signedIn()) });
    const { unmount } = renderWithAuth(<Plan />);
    await screen.findByText('authenticated: no clientData');
    unmount();
    stubBff({ '/auth/session': json(SIGNED_OUT) });
    renderWithAuth(<Plan />);
    await screen.findByText('unauthenticated: no clientData');
  });

  it('comes from initialSession on a server-rendered page, with no loading state', () => {
    const bff = stubBff({ '/auth/session': json(SIGNED_OUT) });
    renderWithAuth(<Plan />, { initialSession: withClientData({ plan: 'team' }) });
    expect(screen.getByText('authenticated: {"plan":"team"}')).toBeTruthy();
    expect(bff.requests('/auth/session')).toHaveLength(0);
  });
});
