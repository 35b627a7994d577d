import { AuthBffError } from '../errors.js';
import type { User } from '../../shared/index.js';

/** What the BFF keeps for one signed-in browser. */
export interface SessionRecord {
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
  idleExpiresAt: number;
  absoluteExpiresAt: number;
}

/**
 * Where sessions live. Keys are hashes of the cookie's session id. Every method
 * may reject when the store is down; the BFF answers `session_store_unavailable`.
 */
export interface SessionStore {
  get(key: string): Promise<SessionRecord | undefined>;
  /** Stores the record for `ttlSeconds`, after which `get` no longer returns it. */
  set(key: string, record: SessionRecord, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes every session carrying this `sid`; resolves with how many. */
  deleteBySid(sid: string): Promise<number>;
  /**
   * Records a single-use marker for `ttlSeconds`; resolves false when it was
   * already recorded. It is how a replayed login callback is caught.
   */
  claimOnce(marker: string, ttlSeconds: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Any store failure becomes `session_store_unavailable`: a clear 503, never a hang or a crash. */
export async function guarded<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw new AuthBffError('session_store_unavailable', 'The session store is not available.', { cause: error });
  }
}
