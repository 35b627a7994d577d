import { LINK_PARAM, LOGIN_ROUTE, LOGOUT_ROUTE, RETURN_TO_PARAM, SESSION_ROUTE, SLIDE_PARAM } from '../shared/index.js';
import type { LogoutResponse, SessionResponse } from '../shared/index.js';
import { AuthClientError } from './errors.js';
import type { QueryClient, UseQueryOptions } from './react.js';
import { requestJson } from './request.js';
import { rememberLogoutState } from './returnFromUrl.js';
import { sessionInvalidators } from './sessionInvalidators.js';

export interface LoginOptions {
  /** Where to land after the login; defaults to the current path, query and hash. */
  returnTo?: string | undefined;
  /**
   * Link this provider to the session open now ("Connect GitHub"): the session
   * keeps its user and gains this provider's tokens. Without a session it is an ordinary login.
   */
  link?: boolean | undefined;
}

export interface AuthActions {
  /** Navigates to the BFF's login route for this provider. */
  login: (providerId: string, options?: LoginOptions) => void;
  /**
   * Ends the session, here and in other tabs, then follows the provider's end-session URL if there is one.
   * Rejects with an AuthClientError, leaving the session shown as it was, if the BFF refuses or is unreachable;
   * rejects with `internal_error` after ending the session here if the end-session URL is not http(s).
   */
  logout: () => Promise<void>;
  /** Re-reads the session from the BFF. */
  refetch: () => Promise<void>;
}

export interface SessionControls {
  session: UseQueryOptions<SessionResponse, AuthClientError>;
  actions: AuthActions;
  /** A background read: never extends the idle timeout, and its failures are ignored. */
  poll: () => Promise<unknown>;
  /** Subscribes to focus events, authFetch's 401s and other tabs; returns the unsubscribe. */
  connect: () => () => void;
}

/** Other tabs' messages start at most one session read per this long, however many arrive. */
export const BROADCAST_READ_INTERVAL_MS = 1000;

const userIdOf = (session?: SessionResponse) => (session?.authenticated ? session.user.id : null);

/**
 * Only these end-session URLs are followed: never `javascript:` or `data:` from a compromised
 * answer (whatever JSON it holds is tested, and followed, as the string it becomes).
 */
const followable = (url: string) => /^https?:\/\//i.test(url);

/** The session query of one AuthProvider, and everything that keeps it fresh. */
export function createSessionControls(client: QueryClient, basePath: string): SessionControls {
  const queryKey = ['bff-auth', basePath, 'session'];
  let otherTabs: BroadcastChannel | null = null;
  const notifyOtherTabs = () => otherTabs?.postMessage(0);

  const read = async (slide: boolean) => {
    const session = await requestJson<SessionResponse>(
      basePath + SESSION_ROUTE + (slide ? '' : `?${SLIDE_PARAM}=false`),
    );
    // Only a change is news (a first signed-in read counts: that is a login landing).
    // Posting on every read would make the tabs ping-pong.
    if (userIdOf(client.getQueryData(queryKey)) !== userIdOf(session)) notifyOtherTabs();
    return session;
  };
  // Bumped by logout, so that a background read started before it cannot bring the old session back.
  let epoch = 0;
  const poll = () => {
    const started = epoch;
    return read(false).then((session) => started === epoch && client.setQueryData(queryKey, session), () => {});
  };
  const invalidate = () => client.invalidateQueries({ queryKey });

  return {
    // Focus refetches are user-driven, so they slide.
    session: { queryKey, queryFn: () => read(true), retry: false, refetchOnWindowFocus: 'always' },
    poll,

    connect() {
      // What QueryClientProvider would do: without it, focus and reconnect refetches never fire.
      client.mount();
      sessionInvalidators.add(invalidate);
      // Another tab logged in or out: catch up at once, then at most once per interval (a trailing read
      // catches what arrived meanwhile), so a flood of messages cannot turn into a flood of requests.
      let timer: ReturnType<typeof setTimeout> | undefined;
      let missed = false;
      const onMessage = () => {
        if (timer) {
          missed = true;
          return;
        }
        void poll();
        timer = setTimeout(() => {
          timer = undefined;
          if (!missed) return;
          missed = false;
          onMessage();
        }, BROADCAST_READ_INTERVAL_MS);
      };
      // A channel never hears its own posts.
      if (typeof BroadcastChannel === 'function') {
        otherTabs = new BroadcastChannel('bff-auth');
        otherTabs.onmessage = onMessage;
      }
      return () => {
        client.unmount();
        sessionInvalidators.delete(invalidate);
        clearTimeout(timer);
        otherTabs?.close();
        otherTabs = null;
      };
    },

    actions: {
      login(providerId, { returnTo = location.pathname + location.search + location.hash, link } = {}) {
        location.assign(
          `${basePath}${LOGIN_ROUTE}${encodeURIComponent(providerId)}?${RETURN_TO_PARAM}=${encodeURIComponent(returnTo)}${link ? `&${LINK_PARAM}=1` : ''}`,
        );
      },

      async logout() {
        const { redirectTo } = await requestJson<LogoutResponse>(basePath + LOGOUT_ROUTE, { method: 'POST' });
        // A read still in flight must not bring the old session back.
        epoch++;
        await client.cancelQueries({ queryKey });
        client.setQueryData<SessionResponse>(queryKey, { authenticated: false });
        notifyOtherTabs();
        if (redirectTo === null) return;
        if (!followable(redirectTo)) {
          throw new AuthClientError('internal_error', 'Unsafe end-session URL');
        }
        rememberLogoutState(redirectTo);
        location.assign(redirectTo);
      },

      refetch: () => client.refetchQueries({ queryKey }),
    },
  };
}
