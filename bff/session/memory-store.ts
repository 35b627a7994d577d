import { randomUUID } from 'node:crypto';
import { decodeSession, encodeSession } from './stored-format.js';
import type { SessionData, SessionRecord, SessionStamp, SessionStore, StoreLock } from './store.js';

export interface MemoryStoreOptions {
  /** The most sessions kept; past it the least recently written or extended one goes. Default 10,000. */
  maxSessions?: number;
  /** How often expired entries are swept. Default 60 s. */
  sweepIntervalMs?: number;
}

interface Entry<T> {
  value: T;
  expiresAtMs: number;
}

/** A bounded map with per-entry expiry; Map keeps insertion order, so the first key is the oldest write. */
class ExpiringMap<T> {
  private readonly entries = new Map<string, Entry<T>>();
  constructor(
    private readonly max: number,
    private readonly onEvict: (key: string, value: T) => void = () => {},
  ) {}

  entry(key: string): Entry<T> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry;
  }

  get(key: string): T | undefined {
    return this.entry(key)?.value;
  }

  set(key: string, value: T, ttlSeconds: number): void {
    this.delete(key);
    this.entries.set(key, { value, expiresAtMs: Date.now() + ttlSeconds * 1000 });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.delete(oldest);
    }
  }

  /** Moves a live entry's expiry later (never earlier) and makes it the newest; false when there is none. */
  extend(key: string, ttlSeconds: number): boolean {
    const entry = this.entry(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.entries.set(key, { value: entry.value, expiresAtMs: Math.max(entry.expiresAtMs, Date.now() + ttlSeconds * 1000) });
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.onEvict(key, entry.value);
  }

  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAtMs <= now) this.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

interface Stored {
  /** The data as `encodeSession` writes it: compact, and a copy no caller can change. */
  text: string;
  version: number;
  sid: string | undefined;
}

/**
 * Sessions in this process's memory: for one process and for development.
 * Bounded in count and swept for expiry, so a flood of logins cannot grow it
 * without limit. Records are held as text (see stored-format.ts) and decoded
 * afresh on each read, as a networked store would.
 */
export class MemorySessionStore implements SessionStore {
  private readonly sessions: ExpiringMap<Stored>;
  private readonly markers: ExpiringMap<string>;
  private readonly keysBySid = new Map<string, Set<string>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxSessions ?? 10_000;
    this.sessions = new ExpiringMap(max, (key, stored) => this.unindex(key, stored.sid));
    // Replay markers are never evicted before they expire (a flood of logins must not make a callback replayable); the login rate limit bounds them.
    this.markers = new ExpiringMap(Number.POSITIVE_INFINITY);
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
    const entry = this.sessions.entry(key);
    return entry && this.record(entry);
  }

  async getIfChanged(key: string, knownVersion: number): Promise<SessionRecord | SessionStamp | undefined> {
    const entry = this.sessions.entry(key);
    if (entry?.value.version !== knownVersion) return entry && this.record(entry);
    return { version: knownVersion, idleExpiresAt: Math.floor(entry.expiresAtMs / 1000) };
  }

  async set(key: string, data: SessionData, ttlSeconds: number) {
    const replaced = this.sessions.get(key);
    this.store(key, data, (replaced?.version ?? 0) + 1, ttlSeconds);
  }

  async update(key: string, version: number, data: SessionData) {
    const entry = this.sessions.entry(key);
    if (entry?.value.version !== version) return false;
    this.store(key, data, version + 1, (entry.expiresAtMs - Date.now()) / 1000);
    return true;
  }

  async touch(key: string, ttlSeconds: number) {
    return this.sessions.extend(key, ttlSeconds);
  }

  async delete(key: string) {
    this.sessions.delete(key);
  }

  async deleteBySid(sid: string) {
    let deleted = 0;
    for (const key of [...(this.keysBySid.get(sid) ?? [])]) {
      // An expired session not yet swept is not one more session ended (`entry` drops it).
      if (this.sessions.entry(key)) deleted++;
      this.sessions.delete(key);
    }
    return deleted;
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
        if (this.markers.get(key) === owner) this.markers.delete(key);
      },
    };
  }

  async ping() {}

  async close() {
    clearInterval(this.sweeper);
  }

  private claim(key: string, value: string, ttlSeconds: number): boolean {
    if (this.markers.get(key) !== undefined) return false;
    this.markers.set(key, value, ttlSeconds);
    return true;
  }

  /** Writes the record under `key`, keeping the sid index in step (a rewrite may carry another sid). */
  private store(key: string, data: SessionData, version: number, ttlSeconds: number) {
    const { sid } = data;
    this.sessions.set(key, { text: encodeSession(data), version, sid }, ttlSeconds);
    if (sid) this.keysBySid.set(sid, (this.keysBySid.get(sid) ?? new Set()).add(key));
  }

  private record({ value, expiresAtMs }: Entry<Stored>): SessionRecord {
    return { ...decodeSession(value.text), version: value.version, idleExpiresAt: Math.floor(expiresAtMs / 1000) };
  }

  private unindex(key: string, sid: string | undefined): void {
    if (!sid) return;
    const keys = this.keysBySid.get(sid);
    keys?.delete(key);
    if (keys?.size === 0) this.keysBySid.delete(sid);
  }
}
