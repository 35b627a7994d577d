import { AuthBffError } from '../errors.js';
import type { JsonObject, User } from '../../shared/index.js';

/** What the BFF writes for one signed-in browser. */
export interface SessionData {
  provider: string;
  user: User;
  /** The provider's raw profile, for the app's routes (`req.auth.profile`); never sent to the browser. */
  profile: Record<string, unknown>;
  /** The token set, sealed with the first of `secrets`. */
  tokens: string;
  /** The OIDC session id (`sid`), namespaced by provider, for back-channel logout. */
  sid?: string;
  /** Epoch seconds. */
  createdAt: number;
  absoluteExpiresAt: number;
  /** The app's server-only data (`onLogin`, `auth.updateSession`): `req.auth.sessionData`. */
  sessionData?: JsonObject;
  /** The app's data for the browser: `clientData` in `GET /auth/session`. */
  clientData?: JsonObject;
  /** The token sets of the providers linked to the session (account linking), oldest first; absent when none. */
  linked?: LinkedTokens[];
}

/** One linked provider's token set, sealed like `tokens`. */
export interface LinkedTokens {
  provider: string;
  tokens: string;
}

/** At most this many providers hold token sets in one session: the login's and up to four linked. */
export const MAX_SESSION_PROVIDERS = 5;

/** The providers whose token sets the session holds: the login's first, then the linked ones. */
/** The sealed token set the session holds for `provider`, or undefined when it holds none. */
/** What holds a session's sealed token sets: its data, or a record. */
export type TokenHolder = Pick<SessionData, 'provider' | 'tokens' | 'linked'>;

export const sealedTokensOf = (data: TokenHolder, provider: string): string | undefined =>
  provider === data.provider ? data.tokens : data.linked?.find((entry) => entry.provider === provider)?.tokens;

/** Every token set the session holds, by provider: the login's first. */
export const tokenSetsOf = (data: TokenHolder): LinkedTokens[] => [{ provider: data.provider, tokens: data.tokens }, ...(data.linked ?? [])];

export const linkedProviders = (data: Pick<SessionData, 'provider' | 'linked'>): string[] => [data.provider, ...(data.linked ?? []).map(({ provider }) => provider)];

/** A session as the store answers it: the data plus what the store keeps about it. */
export interface SessionRecord extends SessionData {
  /** 1 when created, one more at each {@link SessionStore.update}; a conditional update names the version it read. */
  version: number;
  /** Epoch seconds at which the store forgets the record: the idle expiry, which {@link SessionStore.touch} extends. */
  idleExpiresAt: number;
}

/** What a store answers about a record the caller already holds at this version. */
export type SessionStamp = Pick<SessionRecord, 'version' | 'idleExpiresAt'>;

/** A live session of one user, as {@link SessionStore.listByUser} answers it. */
export interface UserSession {
  /** The store's own name for the session (see {@link SessionStore.refOf}); never its session id. */
  ref: string;
  record: SessionRecord;
}

/** A short lock held by this process until released or until its time runs out. */
export interface StoreLock {
  /** Releases the lock if this holder still owns it (a lapsed lock another holder took is left alone). */
  release: () => Promise<void>;
}

/**
 * Where sessions live. Keys are hashes of the cookie's session id. Every method
 * may reject when the store is down; the BFF answers `session_store_unavailable`.
 *
 * Writes to an existing session are conditional, so that a logout is final: an
 * `update` or `touch` racing a `delete` never brings the session back, and an
 * update based on an old read never puts spent tokens over fresh ones.
 */
export interface SessionStore {
  get: (key: string) => Promise<SessionRecord | undefined>;
  /**
   * Optional: like `get`, but when the record is still at `knownVersion` only its
   * version and idle expiry (nothing to decode). The version is read with the
   * record in one step, so a caller that keeps what it decoded of a version
   * never serves it after a change (a write always moves the version on; a key
   * deleted is never written again, since keys hash fresh random session ids).
   */
  getIfChanged?: (key: string, knownVersion: number) => Promise<SessionRecord | SessionStamp | undefined>;
  /**
   * Stores a new record for `ttlSeconds`, after which `get` no longer returns it:
   * at version 1, or one past the version of a live record it replaces.
   */
  set: (key: string, data: SessionData, ttlSeconds: number) => Promise<void>;
  /**
   * Replaces the record's data, keeping its expiry, only if it still exists at
   * `version`; resolves false (and writes nothing) when it is gone or was changed.
   */
  update: (key: string, version: number, data: SessionData) => Promise<boolean>;
  /**
   * Extends the record's expiry to `ttlSeconds` from now, never shortening it and
   * never rewriting the record; resolves false when there is no record.
   */
  touch: (key: string, ttlSeconds: number) => Promise<boolean>;
  delete: (key: string) => Promise<void>;
  /** Deletes every session carrying this `sid`; resolves with how many. */
  deleteBySid: (sid: string) => Promise<number>;
  /**
   * The store's name for the session under `key`, the one `listByUser` answers
   * and `deleteRef` takes: a string derived from the key (never the session id),
   * the same in every process on the store.
   */
  refOf: (key: string) => string;
  /**
   * The live sessions whose `user.id` is `userId`, from a per-user index kept
   * by `set` and `update` that expires with the sessions it names. `delete`, `deleteBySid`,
   * `deleteByUser` and `deleteRef` take the sessions they end out of the indexes
   * (the user's, the sid's), so that ended sessions do not stay in them until
   * their absolute expiry.
   */
  listByUser: (userId: string) => Promise<UserSession[]>;
  /**
   * Deletes every session that carries `user.id` `userId` now (a session
   * rewritten for another user is left alone); resolves with how many.
   */
  deleteByUser: (userId: string) => Promise<number>;
  /** Deletes the session `ref` names; resolves with whether a live session was deleted. */
  deleteRef: (ref: string) => Promise<boolean>;
  /**
   * Records a single-use marker for `ttlSeconds`; resolves false when it was
   * already recorded. It is how a replayed login callback is caught.
   */
  claimOnce: (marker: string, ttlSeconds: number) => Promise<boolean>;
  /** Takes the lock `name` for at most `ttlMs`; resolves undefined when another holder has it. */
  lock: (name: string, ttlMs: number) => Promise<StoreLock | undefined>;
  /** Resolves when the store answers (the readiness check, `GET /auth/health`). */
  ping: () => Promise<void>;
  close: () => Promise<void>;
}

export const isRecord = (found: SessionRecord | SessionStamp): found is SessionRecord => 'tokens' in found;

/** Any store failure becomes `session_store_unavailable`: a clear 503, never a hang or a crash. */
export async function guarded<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw new AuthBffError('session_store_unavailable', 'The session store is not available.', { cause: error });
  }
}
