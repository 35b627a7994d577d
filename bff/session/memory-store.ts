import { createHash, randomUUID } from 'node:crypto';
import { SESSION_ID_PATTERN } from '../crypto/random.js';
import { decodeSession, encodeSession } from './stored-format.js';
import type { SessionData, SessionRecord, SessionStamp, SessionStore, StoreLock, UserSession } from './store.js';

export interface MemoryStoreOptions {
  /** The most sessions kept; past it the least recently written or extended one goes. Default 10,000. */
  maxSessions?: number;
  /** How often expired entries are swept. Default 60 s. */
  sweepIntervalMs?: number;
}

/** What the map holds per key: the value's own fields and its expiry, in one object. */
interface Expiring {
  expiresAtMs: number;
}

/** A bounded map with per-entry expiry; Map keeps insertion order, so the first key is the oldest write. */
class ExpiringMap<T extends Expiring> {
  private readonly entries = new Map<string, T>();
  constructor(
    private readonly max: number,
    private readonly onEvict: (key: string, entry: T) => void = () => {},
  ) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, entry: T): void {
    this.delete(key);
    this.entries.set(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.delete(oldest);
    }
  }

  /** Moves a live entry's expiry later (never earlier) and makes it the newest; false when there is none. */
  extend(key: string, ttlSeconds: number): boolean {
    const entry = this.get(key);
    if (!entry) return false;
    entry.expiresAtMs = Math.max(entry.expiresAtMs, expiryIn(ttlSeconds));
    this.entries.delete(key);
    this.entries.set(key, entry);
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.onEvict(key, entry);
  }

  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAtMs <= now) this.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

const expiryIn = (ttlSeconds: number) => Date.now() + ttlSeconds * 1000;

/**
 * The map key of a store key: 128 bits of it as 16 latin1 characters (a third
 * of the 43-character key's heap). A session's store key is already a hash of
 * its id (a SHA-256 in base64url, shaped as a session id), so its first 128
 * bits serve as they are (decoding them costs a tenth of hashing the key
 * again, 0.25 against 2.3 µs); any other key is hashed first. 128 bits keep
 * collisions out of reach.
 */
const mapKey = (key: string) => (SESSION_ID_PATTERN.test(key) ? Buffer.from(key, 'base64url') : createHash('sha256').update(key).digest()).toString('latin1', 0, 16);

/**
 * Map keys by a name (a sid, a user's bucket). A name with one key holds the key
 * itself, not a set: most users have one session, and a set per user would
 * cost more heap than the rest of the index.
 */
class KeyIndex<Name extends string | number> {
  private readonly byName = new Map<Name, string | Set<string>>();

  add(name: Name, at: string): void {
    const held = this.byName.get(name);
    if (held === undefined || held === at) this.byName.set(name, at);
    else if (typeof held === 'string') this.byName.set(name, new Set([held, at]));
    else held.add(at);
  }

  remove(name: Name, at: string): void {
    const held = this.byName.get(name);
    if (held === at) this.byName.delete(name);
    else if (typeof held === 'object' && held.delete(at) && held.size === 0) this.byName.delete(name);
  }

  /** A copy, so the caller may delete while it walks them. */
  keys(name: Name): string[] {
    const held = this.byName.get(name);
    return held === undefined ? [] : typeof held === 'string' ? [held] : [...held];
  }
}

/**
 * A user id as the memory store indexes it: 30 bits of its SHA-256, a small
 * integer that V8 keeps without an object of its own (keeping the id would
 * cost a tenth more heap per session). Two users may share a bucket, so readers
 * check the record's own `user.id`.
 */
const userBucket = (userId: string) => createHash('sha256').update(userId).digest().readUInt32BE(0) >>> 2;

interface Marker extends Expiring {
  owner: string;
}

interface Stored extends Expiring {
  /** The data as `encodeSession` writes it: compact, and a copy no caller can change. */
  text: string;
  version: number;
  sid: string | undefined;
  /** The {@link userBucket} of its user. */
  userBucket: number;
}

/**
 * Sessions in this process's memory: for one process and for development.
 * Bounded in count and swept for expiry, so a flood of logins cannot grow it
 * without limit. Records are held as text (see stored-format.ts) and decoded
 * afresh on each read, as a networked store would.
 */
export class MemorySessionStore implements SessionStore {
  /** By {@link mapKey} of the store key. */
  private readonly sessions: ExpiringMap<Stored>;
  private readonly markers = new ExpiringMap<Marker>(Number.POSITIVE_INFINITY);
  private readonly keysBySid = new KeyIndex<string>();
  private readonly keysByUser = new KeyIndex<number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxSessions ?? 10_000;
    this.sessions = new ExpiringMap(max, (at, stored) => {
      if (stored.sid) this.keysBySid.remove(stored.sid, at);
      this.keysByUser.remove(stored.userBucket, at);
    });
    // Replay markers (above) are never evicted before they expire (a flood of logins must not make a callback replayable); the login rate limit bounds them.
    this.sweeper = setInterval(() => {
      this.sessions.sweep();
      this.markers.sweep();
    }, options.sweepIntervalMs ?? 60_000);
    this.sweeper.unref();
  }

  /** How many sessions are held now (expired ones count until swept). */
  get size(): number {
    return this.sessions.size;
  }

  async get(key: string): Promise<SessionRecord | undefined> {
    const stored = this.sessions.get(mapKey(key));
    return stored && record(stored);
  }

  async getIfChanged(key: string, knownVersion: number): Promise<SessionRecord | SessionStamp | undefined> {
    const stored = this.sessions.get(mapKey(key));
    if (stored?.version !== knownVersion) return stored && record(stored);
    return { version: knownVersion, idleExpiresAt: Math.floor(stored.expiresAtMs / 1000) };
  }

  async set(key: string, data: SessionData, ttlSeconds: number) {
    const at = mapKey(key);
    const replaced = this.sessions.get(at);
    this.store(at, data, (replaced?.version ?? 0) + 1, expiryIn(ttlSeconds));
  }

  async update(key: string, version: number, data: SessionData) {
    const at = mapKey(key);
    const stored = this.sessions.get(at);
    if (stored?.version !== version) return false;
    this.store(at, data, version + 1, stored.expiresAtMs);
    return true;
  }

  async touch(key: string, ttlSeconds: number) {
    return this.sessions.extend(mapKey(key), ttlSeconds);
  }

  async delete(key: string) {
    this.sessions.delete(mapKey(key));
  }

  async deleteBySid(sid: string) {
    return this.deleteAll(this.keysBySid.keys(sid));
  }

  refOf(key: string): string {
    return mapKey(key);
  }

  async listByUser(userId: string): Promise<UserSession[]> {
    return this.keysByUser.keys(userBucket(userId)).flatMap((at) => {
      const stored = this.sessions.get(at);
      const found = stored && record(stored);
      return found?.user.id === userId ? [{ ref: at, record: found }] : [];
    });
  }

  async deleteByUser(userId: string) {
    return this.deleteAll((await this.listByUser(userId)).map(({ ref }) => ref));
  }

  async deleteRef(ref: string) {
    return this.deleteAll([ref]) === 1;
  }

  async claimOnce(marker: string, ttlSeconds: number) {
    return this.claim(`once:${marker}`, '1', ttlSeconds);
  }

  async lock(name: string, ttlMs: number): Promise<StoreLock | undefined> {
    const key = `lock:${name}`;
    const owner = randomUUID();
    if (!this.claim(key, owner, ttlMs / 1000)) return undefined;
    return {
      release: async () => {
        if (this.markers.get(key)?.owner === owner) this.markers.delete(key);
      },
    };
  }

  async ping() {}

  async close() {
    clearInterval(this.sweeper);
  }

  /** Deletes the sessions at these map keys; answers how many were live (an expired one not yet swept is not one more session ended). */
  private deleteAll(keys: readonly string[]): number {
    let deleted = 0;
    for (const at of keys) {
      if (this.sessions.get(at)) deleted++;
      this.sessions.delete(at);
    }
    return deleted;
  }

  private claim(key: string, owner: string, ttlSeconds: number): boolean {
    if (this.markers.get(key)) return false;
    this.markers.set(key, { owner, expiresAtMs: expiryIn(ttlSeconds) });
    return true;
  }

  /** Writes the record under map key `at`; the map unindexes the record it replaces, and the new one is indexed by its own sid and user. */
  private store(at: string, data: SessionData, version: number, expiresAtMs: number) {
    const { sid } = data;
    const bucket = userBucket(data.user.id);
    this.sessions.set(at, { text: encodeSession(data), version, sid, userBucket: bucket, expiresAtMs });
    if (sid) this.keysBySid.add(sid, at);
    this.keysByUser.add(bucket, at);
  }
}

function record({ text, version, expiresAtMs }: Stored): SessionRecord {
  return { ...decodeSession(text), version, idleExpiresAt: Math.floor(expiresAtMs / 1000) };
}
