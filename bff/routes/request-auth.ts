import type { JsonObject, User } from '../../shared/index.js';

/** What `requireSession()`, `optionalSession()` and `readSession()` put on `req.auth` for the app's own routes. */
export interface RequestAuth {
  /** Frozen, like `profile`: shared by the requests that read this version of the session. */
  user: Readonly<User>;
  provider: string;
  /** The provider ids whose tokens the session holds: the login's first, then those linked. */
  linked: string[];
  /** The session's opaque name, as `auth.sessions.list` answers it (for a "sign out my other devices" page); never its cookie. */
  readonly handle: string;
  /** Epoch seconds: the nearer of the idle and the absolute expiry. */
  expiresAt: number;
  /** The provider's raw profile (frozen); it stays on the server. */
  profile: Readonly<Record<string, unknown>>;
  /** The app's server-only data (`onLogin`, `auth.updateSession`), frozen; never sent to the browser. */
  sessionData: Readonly<JsonObject> | undefined;
  /** The app's data for the browser, as `GET /auth/session` carries it (for a server-rendered page's `initialSession`). */
  clientData: Readonly<JsonObject> | undefined;
  /**
   * The session's access token of `provider` (default: the login's), for that
   * provider's APIs, refreshed first when it is about to expire. Rejects with an
   * `AuthBffError`: `not_linked` when the session holds no tokens of it (or a
   * linked provider refused their refresh: they are dropped), `unauthenticated`
   * when the login's provider no longer honours the session. Never send it to the browser.
   */
  accessToken: (provider?: string) => Promise<string>;
}

declare global {
  // Express's documented way to type request properties added by middleware.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      auth?: RequestAuth;
    }
  }
}
