import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { JsonObject } from '../../shared/index.js';
import { AuthBffError } from '../errors.js';
import type { EmitEvent } from '../users/events.js';
import { toJsonObject } from '../users/json-object.js';
import { newSessionId, sessionKey } from '../crypto/random.js';
import type { HandleCodec } from '../crypto/handle.js';
import type { Sealer } from '../crypto/seal.js';
import type { TokenSet } from '../providers/provider.js';
import type { SessionCookie } from './session-cookie.js';
import {
  guarded,
  isRecord,
  linkedProviders,
  MAX_SESSION_PROVIDERS,
  type SessionData,
  type SessionRecord,
  type SessionStore,
  type StoreLock,
} from './store.js';

export interface NewSession {
  provider: string;
  user: SessionRecord['user'];
  profile: Record<string, unknown>;
  tokens: TokenSet;
  sid?: string;
  sessionData?: JsonObject;
  clientData?: JsonObject;
}

/** What an admitted link login changes in the open session: the new provider's tokens, and what the hook answered. */
export interface SessionLink extends SessionDataPatch {
  provider: string;
  tokens: TokenSet;
  userId?: string;
}

/** What `auth.updateSession` changes; a field left out stays as it is. */
export interface SessionDataPatch {
  sessionData?: JsonObject;
  clientData?: JsonObject;
}

export interface SessionTimeouts {
  idleTimeoutSeconds: number;
  absoluteTimeoutSeconds: number;
}

/** A live session as read: its data (frozen: shared by every read of this version in this process) and what the store keeps about it. */
export interface SessionView {
  /** The store key it was read under. */
  key: string;
  data: Readonly<SessionData>;
  version: number;
  /** Epoch seconds: the idle expiry, never past the absolute one, so the session's expiry (`expiresAt` on the wire). */
  idleExpiresAt: number;
}

/** One session of an app user, as `auth.sessions.list(userId)` answers it. */
export interface SessionSummary {
  /**
   * Names the session to `auth.sessions.end({ handle })`, and equals
   * `req.auth.handle` on its requests. Not its cookie, and no cookie can be made
   * from it: it is the store's name of the session (itself a hash of the
   * session id) encrypted under the secrets.
   */
  handle: string;
  provider: string;
  /** The providers whose tokens the session holds. */
  linked: string[];
  /** Epoch seconds. */
  createdAt: number;
  /** Epoch seconds: the last request that extended the session's idle timeout (so to within a minute). */
  lastSeenAt: number;
}

/** Ending a user's sessions: `auth.sessions`. */
export interface UserSessions {
  /** The live sessions of this app user id (`user.id`), in every process on the store. */
  list: (userId: string) => Promise<SessionSummary[]>;
  /**
   * Ends every session of this app user id, or the one session a handle names,
   * in every process on the store; resolves with how many were ended. A handle
   * that names no live session ends nothing.
   */
  end: (target: string | { handle: string }) => Promise<number>;
}

/**
 * Rejects a link login with `provider` into a session that has ended
 * (`unauthenticated`) or would then hold more than MAX_SESSION_PROVIDERS token
 * sets (`too_many_links`); a provider it holds already is replaced, so fits.
 */
export function assertLinkable<Data extends Pick<SessionData, 'provider' | 'linked'>>(data: Data | undefined, provider: string): asserts data is Data {
  if (data === undefined) throw new AuthBffError('unauthenticated', 'The session to link to has ended; sign in again.', { reason: 'link_session_ended' });
  const held = linkedProviders(data);
  if (!held.includes(provider) && held.length >= MAX_SESSION_PROVIDERS) {
    throw new AuthBffError('too_many_links', `A session holds the tokens of at most ${MAX_SESSION_PROVIDERS} providers.`, { reason: 'link_limit' });
  }
}

/** `data` holding `sealed` as `provider`'s token set: in the place of the one it held, or linked last. */
function withTokens(data: SessionData, provider: string, sealed: string): SessionData {
  if (provider === data.provider) return { ...data, tokens: sealed };
  const linked = data.linked ?? [];
  const held = linked.some((entry) => entry.provider === provider);
  return { ...data, linked: held ? linked.map((entry) => (entry.provider === provider ? { provider, tokens: sealed } : entry)) : [...linked, { provider, tokens: sealed }] };
}

/** How many times `updateData` reads and writes: a write fails only because another one landed, so a few writers to one session at once all land. */
const UPDATE_ATTEMPTS = 16;

/** How many sessions' decoded data (and store keys) a process keeps, the data only for the version it was decoded from. */
const DECODED_KEPT = 2048;

const now = () => Math.floor(Date.now() / 1000);

/** Sets `key` last in `map`, dropping the oldest entry past DECODED_KEPT. */
function keepBounded<V>(map: Map<string, V>, key: string, value: V) {
  map.set(key, value);
  if (map.size > DECODED_KEPT) map.delete(map.keys().next().value as string);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Sessions: the store, the cookie that points at a record, timeouts and sealed
 * tokens. A session's idle expiry is its record's expiry in the store.
 */
export class Sessions {
  /** A read extends the idle timeout only once this much of it has passed, so reads do not each turn into a write. */
  private readonly slideGranularitySeconds: number;
  /**
   * Data decoded per store key, with the version it was decoded from. Reused only
   * when the store says the record is still at that version (`getIfChanged`,
   * which reads the version with the record), so a logout, a refresh or a new
   * profile in any process is seen at the next read.
   */
  private readonly decoded = new Map<string, { version: number; data: Readonly<SessionData> }>();
  /** Store keys of the session ids seen lately: hashing the id costs more than the rest of a cached read. */
  private readonly keys = new Map<string, string>();

  constructor(
    private readonly store: SessionStore,
    private readonly cookie: SessionCookie,
    private readonly tokenSealer: Sealer,
    private readonly timeouts: SessionTimeouts,
    private readonly handles: HandleCodec,
    private readonly emit: EmitEvent = () => {},
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
    const previous = this.keyOf(req);
    if (previous !== undefined) await this.end(previous);
    this.cookie.write(res, id);
  }

  /**
   * A link login admitted: the session under `key` moves to a fresh id (no
   * fixation; the old id stops working) and holds `link.tokens` too, replacing
   * the token set of that provider if it held one. Its user and provider stay;
   * its absolute expiry too. The old id ends in the compare-and-set that checks
   * the session is still at the version the new record was built from, so a
   * logout in between is final and tokens a refresh stored are carried over
   * (read again and retried). Rejects with `unauthenticated` when the session
   * has ended, `too_many_links` when it holds as many providers as it may.
   */
  async link(res: Response, key: string, link: SessionLink): Promise<SessionData> {
    const { provider, tokens, userId, ...patch } = link;
    const sealed = await this.tokenSealer.seal(tokens);
    const id = newSessionId();
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt += 1) {
      const record = await this.load(key);
      try {
        assertLinkable(record, provider);
      } catch (error) {
        await this.end(sessionKey(id));
        throw error;
      }
      const { version, idleExpiresAt: _idle, ...data } = record;
      const next: SessionData = { ...withTokens(data, provider, sealed), ...patch, user: userId === undefined ? data.user : { ...data.user, id: userId } };
      const ttl = Math.min(this.timeouts.idleTimeoutSeconds, data.absoluteExpiresAt - now());
      await guarded(this.store.set(sessionKey(id), next, ttl));
      // Past its absolute expiry the old record reads as ended in every process, from this write on.
      if (await guarded(this.store.update(key, version, { ...data, absoluteExpiresAt: data.createdAt }))) {
        await this.end(key);
        this.cookie.write(res, id);
        return next;
      }
    }
    await this.end(sessionKey(id));
    throw new AuthBffError('session_store_unavailable', 'The session kept changing while it was linked.', { reason: 'link_contended' });
  }

  /**
   * The request's session, or undefined (and the stale cookie cleared) when
   * there is none. `slide` extends the idle timeout, up to the absolute one,
   * by extending the record's expiry: the record itself is never rewritten,
   * so a read can neither undo a logout nor put back tokens a refresh replaced.
   */
  async read(req: IncomingMessage, res: ServerResponse, options: { slide: boolean }): Promise<SessionRecord | undefined> {
    const view = await this.view(req, res, options);
    return view && Sessions.record(view);
  }

  /** `read`, answering the shared frozen data instead of a record of its own. */
  async view(req: IncomingMessage, res: ServerResponse, options: { slide: boolean }): Promise<SessionView | undefined> {
    const { present, key } = this.cookieOf(req);
    if (key === undefined) {
      if (present) this.cookie.clear(res);
      return undefined;
    }
    const view = await this.current(key);
    if (!view) {
      this.cookie.clear(res);
      return undefined;
    }
    const time = now();
    const idleExpiresAt = Math.min(time + this.timeouts.idleTimeoutSeconds, view.data.absoluteExpiresAt);
    if (options.slide && idleExpiresAt - view.idleExpiresAt >= this.slideGranularitySeconds) {
      if (!(await guarded(this.store.touch(key, idleExpiresAt - time)))) {
        // Ended (a logout) between the read and the touch.
        this.cookie.clear(res);
        return undefined;
      }
      view.idleExpiresAt = idleExpiresAt;
    }
    return view;
  }

  /** The store key of the request's session cookie, or undefined when it carries none. */
  keyOf(req: IncomingMessage): string | undefined {
    return this.cookieOf(req).key;
  }

  /** Whether the request carries the session cookie, and the store key of the session id in it. */
  private cookieOf(req: IncomingMessage): { present: boolean; key: string | undefined } {
    const { present, id } = this.cookie.read(req);
    return { present, key: id === undefined ? undefined : this.keyOfId(id) };
  }

  private keyOfId(id: string): string {
    let key = this.keys.get(id);
    if (key === undefined) {
      key = sessionKey(id);
      keepBounded(this.keys, id, key);
    }
    return key;
  }

  /** The live session under `key`, read afresh from the store. */
  async load(key: string): Promise<SessionRecord | undefined> {
    const view = await this.current(key);
    return view && Sessions.record(view);
  }

  /** The live session under `key`: its version and expiry from the store, its data decoded once per version. */
  private async current(key: string): Promise<SessionView | undefined> {
    const kept = this.decoded.get(key);
    const found = await guarded(kept && this.store.getIfChanged ? this.store.getIfChanged(key, kept.version) : this.store.get(key));
    if (!found) {
      this.decoded.delete(key);
      return undefined;
    }
    const data = isRecord(found) ? this.keep(key, found) : (kept as { data: Readonly<SessionData> }).data;
    const view = { key, data, version: found.version, idleExpiresAt: Math.min(found.idleExpiresAt, data.absoluteExpiresAt) };
    return view.idleExpiresAt > now() ? view : undefined;
  }

  private keep(key: string, record: SessionRecord): Readonly<SessionData> {
    const { version, idleExpiresAt: _idle, ...rest } = record;
    const data = deepFreeze<SessionData>(rest);
    if (!this.store.getIfChanged) return data;
    this.decoded.delete(key);
    keepBounded(this.decoded, key, { version, data });
    return data;
  }

  /**
   * Ends the request's session and clears its cookie; resolves with the record that was ended.
   * Of requests ending one session at once (a double click, two tabs), only the one whose delete
   * ended it gets the record: the logout is told of, and its tokens revoked, once.
   */
  async destroy(req: IncomingMessage, res: ServerResponse): Promise<SessionRecord | undefined> {
    const { present, key } = this.cookieOf(req);
    if (present) this.cookie.clear(res);
    if (key === undefined) return undefined;
    const record = await guarded(this.store.get(key));
    this.decoded.delete(key);
    const ended = await guarded(this.store.deleteRef(this.store.refOf(key)));
    return ended ? record : undefined;
  }

  /** Ends the session under `key`. */
  async end(key: string): Promise<void> {
    this.decoded.delete(key);
    await guarded(this.store.delete(key));
  }

  /** The handle of the session under `key` (`req.auth.handle`). */
  handleOf(key: string): string {
    return this.handles.seal(this.store.refOf(key));
  }

  /** `auth.sessions.list`. */
  async listOf(userId: string): Promise<SessionSummary[]> {
    const found = await guarded(this.store.listByUser(userId));
    const time = now();
    // Past its absolute expiry a session is over, whatever the store still holds (a key written without an expiry).
    return found.filter(({ record }) => record.absoluteExpiresAt > time).map(({ ref, record }) => ({
      handle: this.handles.seal(ref),
      provider: record.provider,
      linked: linkedProviders(record),
      createdAt: record.createdAt,
      // A read that slides the idle timeout moves the expiry to a full idle timeout from then (capped at the absolute expiry: then this is earlier).
      lastSeenAt: Math.max(record.createdAt, Math.min(time, record.idleExpiresAt - this.timeouts.idleTimeoutSeconds)),
    }));
  }

  /** `auth.sessions.end`: the one place sessions are ended by the app. */
  async endOf(target: string | { handle: string }): Promise<number> {
    if (typeof target === 'string') {
      const count = await guarded(this.store.deleteByUser(target));
      this.emit({ type: 'session_ended', by: 'sessions.end', userId: target, count });
      return count;
    }
    const ref = this.handles.open(target.handle);
    const count = ref !== undefined && (await guarded(this.store.deleteRef(ref))) ? 1 : 0;
    this.emit({ type: 'session_ended', by: 'sessions.end', handle: target.handle, count });
    return count;
  }

  /**
   * `auth.updateSession`: replaces the request's `sessionData` and/or
   * `clientData`, compare-and-set on the version read, read again and retried
   * when another write (a refresh) moved the session on. Rejects with
   * `unauthenticated` when there is no session.
   */
  async updateData(req: IncomingMessage, res: ServerResponse, changes: SessionDataPatch): Promise<void> {
    const patch: SessionDataPatch = {};
    if (changes.sessionData !== undefined) patch.sessionData = toJsonObject(changes.sessionData, 'sessionData');
    if (changes.clientData !== undefined) patch.clientData = toJsonObject(changes.clientData, 'clientData');
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt += 1) {
      const view = await this.view(req, res, { slide: false });
      if (!view) throw new AuthBffError('unauthenticated', 'There is no session to update.');
      const data: SessionData = { ...view.data, ...patch };
      if (await guarded(this.store.update(view.key, view.version, data))) return;
    }
    throw new AuthBffError('session_store_unavailable', 'The session kept changing while it was updated.', { reason: 'update_contended' });
  }

  /** Forgets the session cookie of a response whose session has ended. */
  clearCookie(res: ServerResponse): void {
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
  async replaceTokens(key: string, record: SessionRecord, provider: string, tokens: TokenSet): Promise<boolean> {
    const { version, idleExpiresAt: _idle, ...data } = record;
    return guarded(this.store.update(key, version, withTokens(data, provider, await this.tokenSealer.seal(tokens))));
  }

  /** Drops a linked provider's token set (its refresh was refused), only if the session is still at the version `record` was read at. */
  async unlink(key: string, record: SessionRecord, provider: string): Promise<boolean> {
    const { version, idleExpiresAt: _idle, linked = [], ...data } = record;
    const rest = linked.filter((entry) => entry.provider !== provider);
    return guarded(this.store.update(key, version, rest.length > 0 ? { ...data, linked: rest } : data));
  }

  /** A short lock on one session, across every process on the store. */
  lock(key: string, purpose: string, ttlMs: number): Promise<StoreLock | undefined> {
    return guarded(this.store.lock(`${purpose}:${key}`, ttlMs));
  }

  openTokens(sealed: string): Promise<TokenSet> {
    return this.tokenSealer.open<TokenSet>(sealed);
  }

  /** A record of the session's own, for code that takes one (its nested objects stay shared and frozen). */
  static record(view: SessionView): SessionRecord {
    return { ...view.data, version: view.version, idleExpiresAt: view.idleExpiresAt };
  }
}
