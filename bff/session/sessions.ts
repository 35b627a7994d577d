import type { Request, Response } from 'express';
import { newSessionId, sessionKey } from '../crypto/random.js';
import type { Sealer } from '../crypto/seal.js';
import type { TokenSet } from '../providers/provider.js';
import type { SessionCookie } from './session-cookie.js';
import { guarded, type SessionRecord, type SessionStore } from './store.js';

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

/** Sessions: the store, the cookie that points at a record, timeouts and sealed tokens. */
export class Sessions {
  /** Sliding writes at most this often per session, so reads do not turn into a write each. */
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
  async create(req: Request, res: Response, session: NewSession): Promise<SessionRecord> {
    const createdAt = now();
    const { tokens, sid, ...rest } = session;
    const record: SessionRecord = {
      ...rest,
      tokens: await this.tokenSealer.seal(tokens),
      ...(sid === undefined ? {} : { sid: `${session.provider}:${sid}` }),
      createdAt,
      idleExpiresAt: createdAt + this.timeouts.idleTimeoutSeconds,
      absoluteExpiresAt: createdAt + this.timeouts.absoluteTimeoutSeconds,
    };
    const id = newSessionId();
    await guarded(this.store.set(sessionKey(id), record, this.timeouts.idleTimeoutSeconds));
    const previous = this.cookie.read(req);
    if (previous !== undefined) await guarded(this.store.delete(sessionKey(previous)));
    this.cookie.write(res, id);
    return record;
  }

  /**
   * The request's session, or undefined (and the stale cookie cleared) when
   * there is none. `slide` extends the idle timeout, up to the absolute one.
   */
  async read(req: Request, res: Response, options: { slide: boolean }): Promise<SessionRecord | undefined> {
    const id = this.cookie.read(req);
    if (id === undefined) {
      if (this.cookie.isPresent(req)) this.cookie.clear(res);
      return undefined;
    }
    const key = sessionKey(id);
    const record = await guarded(this.store.get(key));
    const time = now();
    if (!record || Math.min(record.idleExpiresAt, record.absoluteExpiresAt) <= time) {
      this.cookie.clear(res);
      return undefined;
    }
    const idleExpiresAt = Math.min(time + this.timeouts.idleTimeoutSeconds, record.absoluteExpiresAt);
    if (options.slide && idleExpiresAt - record.idleExpiresAt >= this.slideGranularitySeconds) {
      record.idleExpiresAt = idleExpiresAt;
      await guarded(this.store.set(key, record, idleExpiresAt - time));
    }
    return record;
  }

  /** Ends the request's session and clears its cookie; resolves with the record that was ended. */
  async destroy(req: Request, res: Response): Promise<SessionRecord | undefined> {
    const id = this.cookie.read(req);
    if (this.cookie.isPresent(req)) this.cookie.clear(res);
    if (id === undefined) return undefined;
    const key = sessionKey(id);
    const record = await guarded(this.store.get(key));
    await guarded(this.store.delete(key));
    return record;
  }

  /** Ends every session of this provider's OIDC session id (back-channel logout). */
  async destroyBySid(provider: string, sid: string): Promise<number> {
    return guarded(this.store.deleteBySid(`${provider}:${sid}`));
  }

  /** Replaces the request's session's tokens (after a refresh), keeping its expiry. */
  async saveTokens(req: Request, record: SessionRecord, tokens: TokenSet): Promise<void> {
    const id = this.cookie.read(req);
    if (id === undefined) return;
    record.tokens = await this.tokenSealer.seal(tokens);
    const ttl = Sessions.expiresAt(record) - now();
    if (ttl > 0) await guarded(this.store.set(sessionKey(id), record, ttl));
  }

  openTokens(record: SessionRecord): Promise<TokenSet> {
    return this.tokenSealer.open<TokenSet>(record.tokens);
  }

  /** The nearer of the idle and the absolute expiry, in epoch seconds. */
  static expiresAt(record: SessionRecord): number {
    return Math.min(record.idleExpiresAt, record.absoluteExpiresAt);
  }
}
