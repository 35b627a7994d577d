import type { SessionRecord, SessionStore } from './store.js';

export interface MemoryStoreOptions {
  /** The most sessions kept; past it the least recently written one goes. Default 10,000. */
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

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T, ttlSeconds: number): void {
    this.delete(key);
    this.entries.set(key, { value, expiresAtMs: Date.now() + ttlSeconds * 1000 });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.delete(oldest);
    }
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

/**
 * Sessions in this process's memory: for one process and for development.
 * Bounded in count and swept for expiry, so a flood of logins cannot grow it
 * without limit. Records are copied in and out, as a networked store would.
 */
export class MemorySessionStore implements SessionStore {
  private readonly sessions: ExpiringMap<SessionRecord>;
  private readonly markers: ExpiringMap<true>;
  private readonly keysBySid = new Map<string, Set<string>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxSessions ?? 10_000;
    this.sessions = new ExpiringMap(max, (key, record) => this.unindex(key, record));
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

  async get(key: string) {
    const record = this.sessions.get(key);
    return record && structuredClone(record);
  }

  async set(key: string, record: SessionRecord, ttlSeconds: number) {
    this.sessions.set(key, structuredClone(record), ttlSeconds);
    if (record.sid) {
      const keys = this.keysBySid.get(record.sid) ?? new Set();
      this.keysBySid.set(record.sid, keys.add(key));
    }
  }

  async delete(key: string) {
    this.sessions.delete(key);
  }

  async deleteBySid(sid: string) {
    let deleted = 0;
    for (const key of [...(this.keysBySid.get(sid) ?? [])]) {
      // An expired session not yet swept is not one more session ended (`get` drops it).
      if (this.sessions.get(key)) deleted++;
      this.sessions.delete(key);
    }
    return deleted;
  }

  async claimOnce(marker: string, ttlSeconds: number) {
    if (this.markers.get(marker)) return false;
    this.markers.set(marker, true, ttlSeconds);
    return true;
  }

  async close() {
    clearInterval(this.sweeper);
  }

  private unindex(key: string, record: SessionRecord): void {
    if (!record.sid) return;
    const keys = this.keysBySid.get(record.sid);
    keys?.delete(key);
    if (keys?.size === 0) this.keysBySid.delete(record.sid);
  }
}
