import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { authFetch, useAuthFetch } from '../../client/index.js';
import { SIGNED_OUT, SessionView, json, renderWithAuth, signedIn, stubBff } from './harness.js';

describe('authFetch', () => {
  it("sends the CSRF header and the cookie, and keeps the caller's headers", async () => {
    const bff = stubBff({ '/api/orders': json([{ id: 1 }]) });
    const response = await authFetch('/api/orders', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(await response.json()).toEqual([{ id: 1 }]);
    const [init] = bff.requests('/api/orders');
    const headers = new Headers(init?.headers);
    expect(headers.get('x-csrf')).toBe('1');
    expect(headers.get('content-type')).toBe('application/json');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.method).toBe('PUT');
  });

  it('accepts absolute URLs of this origin', async () => {
    stubBff({ [`${window.location.origin}/api/me`]: json({ ok: true }) });
    expect((await authFetch(new URL('/api/me', window.location.origin))).ok).toBe(true);
  });

  it('refuses other origins before sending anything', async () => {
    const bff = stubBff({});
    await expect(authFetch('https://evil.example/api')).rejects.toThrow(TypeError);
    await expect(authFetch('//evil.example/api')).rejects.toThrow(TypeError);
    await expect(authFetch(`http://${window.location.hostname}:1/api`)).rejects.toThrow(TypeError);
    expect(bff.fetch).not.toHaveBeenCalled();
  });

  it('makes the session refetch on a 401, so the app shows signed out', async () => {
    const bff = stubBff({
      '/auth/session': json(signedIn('Ada')),
      '/api/orders': json({ error: 'unauthenticated', message: 'no session' }, 401),
    });
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    bff.routes['/auth/session'] = json(SIGNED_OUT);
    expect((await authFetch('/api/orders')).status).toBe(401);
    await screen.findByText('unauthenticated');
    expect(bff.requests('/auth/session')).toHaveLength(2);
  });

  it('leaves the session alone on other answers', async () => {
    const bff = stubBff({ '/auth/session': json(signedIn('Ada')), '/api/orders': json({ error: 'rate_limited' }, 429) });
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    await authFetch('/api/orders');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bff.requests('/auth/session')).toHaveLength(1);
  });
});

describe('useAuthFetch', () => {
  it('gives components the same fetch, with the same 401 handling', async () => {
    const bff = stubBff({ '/auth/session': json(signedIn('Ada')), '/api/orders': json({}, 401) });
    function Orders() {
      const fetchApi = useAuthFetch();
      return <button onClick={() => void fetchApi('/api/orders')}>Load orders</button>;
    }
    renderWithAuth(
      <>
        <SessionView />
        <Orders />
      </>,
    );
    await screen.findByText('authenticated: Ada');
    bff.routes['/auth/session'] = json(SIGNED_OUT);
    fireEvent.click(screen.getByRole('button', { name: 'Load orders' }));
    await screen.findByText('unauthenticated');
    expect(new Headers(bff.requests('/api/orders')[0]?.headers).get('x-csrf')).toBe('1');
  });
});
