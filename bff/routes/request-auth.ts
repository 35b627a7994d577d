import type { JsonObject, User } from '../../shared/index.js';

/** What `requireSession()`, `optionalSession()` and `readSession()` put on `req.auth` for the app's own routes. */
export interface RequestAuth {
  /** Frozen, like `profile`: shared by the requests that read this version of the session. */
  user: Readonly<User>;
  provider: string;
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
   * The session's access token, for the provider's APIs, refreshed first when
   * it is about to expire. Rejects with an `AuthBffError` (`unauthenticated`
   * when the provider no longer honours the session). Never send it to the browser.
   */
  accessToken: () => Promise<string>;
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
