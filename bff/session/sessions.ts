import type { Request, Response } from 'express';
import { newSessionId, sessionKey } from '../crypto/random.js';
import type { Sealer } from '../crypto/seal.js';
import type { TokenSet } from '../providers/provider.js';
import type { SessionCookie } from './session-cookie.js';
import { guarded, type SessionData, type SessionRecord, type SessionStore, type StoreLock } from './store.js';

export interface NewSession {
  provider: string;
  user: SessionRecord['user'];
  profile: Record<string, unknown>;
  tokens: TokenSet;
  sid?: string;
}

export interface SessionTimeouts {
  idleTimeoutSeconds: number;
  absoluteTimeoutSeconds: number;
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * Sessions: the store, the cookie that points at a record, timeouts and sealed
 * tokens. A session's idle expiry is its record's expiry in the store.
 */
export class Sessions {
  /** A read extends the idle timeout only once this much of it has passed, so reads do not each turn into a write. */
  private readonly slideGranularitySeconds: number;

  constructor(
    private readonly store: SessionStore,
    private readonly cookie: SessionCookie,
    private readonly tokenSealer: Sealer,
    private readonly timeouts: SessionTimeouts,
  ) {
    this.slideGranularitySeconds = Math.min(60, Math.ceil(timeouts.idleTimeoutSeconds / 20));
  }

  /** Starts a session under a fresh id (no fixation), ends the browser's previous one, and sets the cookie. */
  async create(req: Request, res: Response, session: NewSession): Promise<void> {
    const createdAt = now();
    const { tokens, sid, ...rest } = session;
    const data: SessionData = {
      ...rest,
      tokens: await this.tokenSealer.seal(tokens),
      ...(sid === undefined ? {} : { sid: `${session.provider}:${sid}` }),
      createdAt,
      absoluteExpiresAt: createdAt + this.timeouts.absoluteTimeoutSeconds,
    };
    const id = newSessionId();
    await guarded(this.store.set(sessionKey(id), data, this.timeouts.idleTimeoutSeconds));
    const previous = this.cookie.read(req);
    if (previous !== undefined) await guarded(this.store.delete(sessionKey(previous)));
    this.cookie.write(res, id);
  }

  /**
   * The request's session, or undefined (and the stale cookie cleared) when
   * there is none. `slide` extends the idle timeout, up to the absolute one,
   * by extending the record's expiry: the record itself is never rewritten,
   * so a read can neither undo a logout nor put back tokens a refresh replaced.
   */
  async read(req: Request, res: Response, options: { slide: boolean }): Promise<SessionRecord | undefined> {
    const key = this.keyOf(req);
    if (key === undefined) {
      if (this.cookie.isPresent(req)) this.cookie.clear(res);
      return undefined;
    }
    const record = await this.load(key);
    if (!record) {
      this.cookie.clear(res);
      return undefined;
    }
    const time = now();
    const idleExpiresAt = Math.min(time + this.timeouts.idleTimeoutSeconds, record.absoluteExpiresAt);
    if (options.slide && idleExpiresAt - record.idleExpiresAt >= this.slideGranularitySeconds) {
      if (!(await guarded(this.store.touch(key, idleExpiresAt - time)))) {
        // Ended (a logout) between the read and the touch.
        this.cookie.clear(res);
        return undefined;
      }
      record.idleExpiresAt = idleExpiresAt;
    }
    return record;
  }

  /** The store key of the request's session cookie, or undefined when it carries none. */
  keyOf(req: Request): string | undefined {
    const id = this.cookie.read(req);
    return id === undefined ? undefined : sessionKey(id);
  }

  /** The live session under `key`, read afresh from the store. */
  async load(key: string): Promise<SessionRecord | undefined> {
    const record = await guarded(this.store.get(key));
    return record && Sessions.expiresAt(record) > now() ? record : undefined;
  }

  /** Ends the request's session and clears its cookie; resolves with the record that was ended. */
  async destroy(req: Request, res: Response): Promise<SessionRecord | undefined> {
    const key = this.keyOf(req);
    if (this.cookie.isPresent(req)) this.cookie.clear(res);
    if (key === undefined) return undefined;
    const record = await guarded(this.store.get(key));
    await this.end(key);
    return record;
  }

  /** Ends the session under `key`. */
  async end(key: string): Promise<void> {
    await guarded(this.store.delete(key));
  }

  /** Forgets the session cookie of a response whose session has ended. */
  clearCookie(res: Response): void {
    this.cookie.clear(res);
  }

  /** Ends every session of this provider's OIDC session id (back-channel logout). */
  async destroyBySid(provider: string, sid: string): Promise<number> {
    return guarded(this.store.deleteBySid(`${provider}:${sid}`));
  }

  /**
   * Replaces the session's tokens (after a refresh), keeping its expiry, only if
   * it is still the version `record` was read at; resolves false when the
   * session ended or changed since.
   */
  async replaceTokens(key: string, record: SessionRecord, tokens: TokenSet): Promise<boolean> {
    return guarded(this.store.update(key, record.version, { ...record, tokens: await this.tokenSealer.seal(tokens) }));
  }

  /** A short lock on one session, across every process on the store. */
  lock(key: string, purpose: string, ttlMs: number): Promise<StoreLock | undefined> {
    return guarded(this.store.lock(`${purpose}:${key}`, ttlMs));
  }

  openTokens(record: SessionRecord): Promise<TokenSet> {
    return this.tokenSealer.open<TokenSet>(record.tokens);
  }

  /** The nearer of the idle and the absolute expiry, in epoch seconds. */
  static expiresAt(record: SessionRecord): number {
    return Math.min(record.idleExpiresAt, record.absoluteExpiresAt);
  }
}
