/**
 * What the client tests share: a fake BFF behind a stubbed global fetch, an observable
 * `location.assign` (jsdom cannot navigate), and a small component that shows what a user sees.
 */
import { cleanup, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { expect, vi } from 'vitest';
import { AuthProvider, useAuth } from '../../client/index.js';
import type { AuthProviderProps, SessionResponse } from '../../client/index.js';

export type Reply = (init: RequestInit | undefined) => Response | Promise<Response>;

export const json =
  (body: unknown, status = 200): Reply =>
  () =>
    Response.json(body, { status });

/** A reply held back until the test calls `answer`: for what a user sees while a request is in flight. */
export function heldReply(): { reply: Reply; answer: (response: Response) => void } {
  let answer: (response: Response) => void = () => {};
  return { reply: () => new Promise<Response>((resolve) => (answer = resolve)), answer: (response) => answer(response) };
}

export const networkDown: Reply = () => Promise.reject(new TypeError('fetch failed'));

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function signedIn(name = 'Ada Lovelace', id = 'github:1', expiresAt = nowSeconds() + 3600): SessionResponse {
  return {
    authenticated: true,
    user: { id, provider: 'github', providerUserId: id.split(':')[1] ?? id, name },
    provider: 'github',
    expiresAt,
  };
}

export const SIGNED_OUT: SessionResponse = { authenticated: false };

/**
 * Stubs global fetch with a BFF answering `routes`, keyed by the exact URL fetched. Change a
 * route between steps to change what the "server" says next. Any other URL fails the test.
 */
const urlOf = (input: string | URL | Request) => (input instanceof Request ? input.url : input.toString());

export function stubBff(routes: Record<string, Reply>) {
  const unexpected: string[] = [];
  const fetchMock = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = urlOf(input);
    const reply = routes[url];
    if (reply) return reply(init);
    unexpected.push(url);
    return new Response('not found', { status: 404 });
  });
  vi.stubGlobal('fetch', fetchMock);
  afterEachOnce(() => expect(unexpected, 'fetches the fake BFF does not serve').toEqual([]));
  return {
    routes,
    fetch: fetchMock,
    /** The RequestInit of every fetch of exactly this URL, in order. */
    requests: (url: string) => fetchMock.mock.calls.filter(([input]) => urlOf(input) === url).map(([, init]) => init),
  };
}

/** Replaces `window.location` with one whose `assign` is a mock (jsdom's cannot be spied on). */
export function stubNavigation() {
  const real = window.location;
  const assign = vi.fn<(url: string | URL) => void>();
  // An empty target: jsdom's own `assign` is non-configurable, which a Proxy over it must report.
  const fake = new Proxy({} as Location, {
    get(_, key) {
      if (key === 'assign') return assign;
      const value: unknown = Reflect.get(real, key);
      return typeof value === 'function' ? (value.bind(real) as unknown) : value;
    },
  });
  Object.defineProperty(window, 'location', { configurable: true, get: () => fake });
  afterEachOnce(() => {
    Object.defineProperty(window, 'location', { configurable: true, get: () => real });
  });
  return assign;
}

/** Shows the session the way an app would, plus buttons for the actions. */
export function SessionView() {
  const { status, user, error, signedOut, logout, refetch, login } = useAuth();
  return (
    <div>
      <p role="status">
        {status}
        {user ? `: ${user.name}` : ''}
      </p>
      {error && <p role="alert">{error.code}</p>}
      {signedOut && <p>Back from the provider's sign-out</p>}
      <button onClick={() => void logout().catch(() => {})}>Log out</button>
      <button onClick={() => void refetch()}>Refetch</button>
      <button onClick={() => login('github')}>Log in</button>
    </div>
  );
}

export function renderWithAuth(ui: ReactNode = <SessionView />, props: Omit<AuthProviderProps, 'children'> = {}) {
  return render(<AuthProvider {...props}>{ui}</AuthProvider>);
}

let pending: Array<() => void> = [];
function afterEachOnce(fn: () => void) {
  pending.push(fn);
}

/**
 * What every DOM test ends with: unmount, unstub, reset the page, then run the checks the test's
 * stubs queued. Registered per file by setup.ts: a module-level `afterEach` here would bind to the
 * first file alone, since the worker imports this module once for all its files.
 */
export function afterEachDomTest() {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
  vi.useRealTimers();
  const checks = pending;
  pending = [];
  window.history.replaceState(null, '', '/');
  const failures: unknown[] = [];
  for (const check of checks.reverse()) {
    try {
      check();
    } catch (failure) {
      failures.push(failure);
    }
  }
  if (failures.length) throw failures[0];
}
