import { isAuthErrorCode, type JsonObject, type User } from '../../shared/index.js';
import { AuthBffError } from '../errors.js';
import { toJsonObject } from './json-object.js';

/** What `onLogin` is told about a login, after code -> token -> id -> info and before the session exists. */
export interface LoginAttempt {
  /** The configured provider id. */
  provider: string;
  /** The normalized user, as the session would hold it without the hook. */
  user: User;
  /** The provider's raw profile. */
  profile: Readonly<Record<string, unknown>>;
  /** The login's access token, for one more call to the platform (an org-membership check). Never send it to the browser. */
  accessToken: string;
  /**
   * On a link login (`?link=1` with a session open): the session open in this
   * browser. Admitted, it keeps its user (with the `userId` answered, if any)
   * and gains this login's tokens; `user` is the new platform's identity, for
   * the app to record.
   */
  current?: { user: User; sessionData?: JsonObject };
}

/**
 * `onLogin`'s answer: nothing or `true` admits the user as is; `false` refuses
 * (`auth_error=access_denied`, no session); an object admits with the app's own
 * user id (it replaces `user.id`), server-only `sessionData` and browser-visible
 * `clientData` (each a JSON object of at most 4 KiB serialized).
 */
export type LoginDecision = void | undefined | boolean | { userId?: string; sessionData?: JsonObject; clientData?: JsonObject };

export type OnLogin = (login: LoginAttempt) => LoginDecision | Promise<LoginDecision>;

/** What an admitted login adds to its session. */
export interface Admission {
  userId?: string;
  sessionData?: JsonObject;
  clientData?: JsonObject;
}

/**
 * Runs the app's hook within `timeoutMs`. Resolves with what to add to the
 * session; rejects with an `AuthBffError`: `access_denied` when refused, the
 * hook's own code when it threw an `AuthBffError` with one from the closed
 * list, else `internal_error` (a throw, a timeout, an answer that is not one).
 */
export async function runLoginHook(hook: OnLogin | undefined, attempt: LoginAttempt, timeoutMs: number): Promise<Admission> {
  if (hook === undefined) return {};
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AuthBffError('internal_error', 'onLogin took too long.', { reason: 'onLogin_timeout' })), timeoutMs);
  });
  let decision: LoginDecision;
  try {
    decision = await Promise.race([Promise.resolve().then(() => hook(attempt)), timeout]);
  } catch (error) {
    throw hookFailure(error);
  } finally {
    clearTimeout(timer);
  }
  return admission(decision);
}

function hookFailure(error: unknown): AuthBffError {
  if (error instanceof AuthBffError && isAuthErrorCode(error.code)) {
    return error.reason === undefined ? new AuthBffError(error.code, error.message, { cause: error, reason: 'onLogin_refused' }) : error;
  }
  return new AuthBffError('internal_error', 'onLogin failed.', { cause: error, reason: 'onLogin_threw' });
}

function admission(decision: LoginDecision): Admission {
  if (decision === undefined || decision === true) return {};
  if (decision === false) throw new AuthBffError('access_denied', 'The app refused this login.', { reason: 'onLogin_refused' });
  if (typeof decision !== 'object' || decision === null || Array.isArray(decision)) {
    throw new AuthBffError('internal_error', 'onLogin answered something that is not a decision.', { reason: 'onLogin_bad_answer' });
  }
  const { userId, sessionData, clientData } = decision;
  if (userId !== undefined && (typeof userId !== 'string' || userId.length === 0)) {
    throw new AuthBffError('internal_error', 'onLogin answered a userId that is not a non-empty string.', { reason: 'onLogin_bad_user_id' });
  }
  return {
    ...(userId === undefined ? {} : { userId }),
    ...(sessionData === undefined ? {} : { sessionData: toJsonObject(sessionData, 'sessionData') }),
    ...(clientData === undefined ? {} : { clientData: toJsonObject(clientData, 'clientData') }),
  };
}
