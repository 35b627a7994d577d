import type { AuthErrorCode } from './errors.js';

/** The signed-in user, normalized to one shape whatever the provider. */
export interface User {
  /** `<provider>:<providerUserId>`: unique across providers, stable for a user. */
  id: string;
  /** The configured provider id, e.g. `github`. */
  provider: string;
  /** The user's stable id on that platform (OIDC `sub`, WeChat `openid`, GitHub's numeric id). */
  providerUserId: string;
  /** A platform-wide id across one developer's apps, where the platform has one (WeChat, QQ). */
  unionId?: string;
  name?: string;
  username?: string;
  email?: string;
  emailVerified?: boolean;
  avatarUrl?: string;
  locale?: string;
}

/** A JSON value: what JSON.parse can answer. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, as the app's `sessionData` and `clientData` are. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** The body of `GET /auth/session`. It never carries a token. */
export type SessionResponse =
  | { authenticated: false }
  | {
      authenticated: true;
      user: User;
      provider: string;
      /**
       * The provider ids whose tokens the session holds: the login's first, then
       * those linked (`login(provider, { link: true })`). The BFF always sends it;
       * optional so that an `initialSession` written by hand need not.
       */
      linked?: string[];
      /** What the app's `onLogin` (or `auth.updateSession`) gave the browser; absent when none. */
      clientData?: JsonObject;
      /** Epoch seconds: the nearer of the idle and the absolute expiry. */
      expiresAt: number;
    };

/** One entry of `GET /auth/providers`. */
export interface ProviderInfo {
  id: string;
  name: string;
  type: string;
  /** Present when the provider's login page can sit in an iframe of the app's page (`WeChatQrLogin`, `bff-auth/client/wechat`). */
  embeddable?: true;
}

/** The body of `POST /auth/logout`. */
export interface LogoutResponse {
  /** The provider's end-session URL to navigate to, or null when there is none. */
  redirectTo: string | null;
}

/** The body of every error answer on a fetch route. */
export interface ErrorResponse {
  error: AuthErrorCode;
  message: string;
}
