import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AuthClientError, authFetch, useAuthFetch } from '../../client/index.js';
import { SIGNED_OUT, SessionView, json, networkDown, renderWithAuth, signedIn, stubBff } from './harness.js';

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

  it('refuses other origins before sending anything, with invalid_request', async () => {
    const bff = stubBff({});
    for (const url of ['https://evil.example/api', '//evil.example/api', `http://${window.location.hostname}:1/api`]) {
      const error = await authFetch(url).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AuthClientError);
      expect((error as AuthClientError).code).toBe('invalid_request');
    }
    expect(bff.fetch).not.toHaveBeenCalled();
  });

  it('rejects with network_error when the server cannot be reached', async () => {
    stubBff({ '/api/orders': networkDown });
    const error = await authFetch('/api/orders').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthClientError);
    expect(error).toMatchObject({ code: 'network_error', message: "The app's server is not answering." });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it("leaves the caller's own abort an AbortError", async () => {
    stubBff({ '/api/orders': (init) => Promise.reject(init?.signal?.reason as DOMException) });
    const controller = new AbortController();
    controller.abort();
    const error = await authFetch('/api/orders', { signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(AuthClientError);
    expect((error as Error).name).toBe('AbortError');
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
