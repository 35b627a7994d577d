import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import { connectRedis, type RedisClient } from './redis-client.js';
import type { RedisConnection } from './redis-connection.js';
import { decodeSession, encodeSession } from './stored-format.js';
import type { SessionData, SessionRecord, SessionStamp, SessionStore, StoreLock, UserSession } from './store.js';

export interface RedisStoreOptions {
  /** A `redis://` or `rediss://` URL, or a cluster's nodes, or a Sentinel group (see `session.store`). */
  connection: RedisConnection;
  /** Prefix of every key this store writes; no braces (they would change the keys' hash slots). Default `bff-auth:`. */
  keyPrefix?: string;
  /** A command gives up after this long, so a Redis outage never hangs a request. Default 2000 ms. */
  commandTimeoutMs?: number;
  logger?: Logger;
}

/**
 * A session is a hash: `v` its version, `d` its data (JSON), `s` its sid (or "").
 * Each script touches one key, so every key works in a cluster; the braces in
 * the key names make the hash slot that of the session key alone, whatever the
 * prefix. The indexes (`sid:`, `user:`) live in slots of their own: they are
 * read, then each session they name is changed by its own command.
 */
const SCRIPTS = {
  /** ARGV: a version the caller holds, or "". The version and the milliseconds left, then the data unless it is still at that version; or nil. */
  sessionGet: {
    numberOfKeys: 1,
    lua: `local version = redis.call('HGET', KEYS[1], 'v')
if not version then return false end
if version == ARGV[1] then return {version, redis.call('PTTL', KEYS[1])} end
return {version, redis.call('PTTL', KEYS[1]), redis.call('HGET', KEYS[1], 'd')}`,
  },
  /** ARGV: data, sid, ttl ms. Writes version 1, or one past the version it replaces; answers the sid the key held before (or nil). */
  sessionSet: {
    numberOfKeys: 1,
    lua: `local previous = redis.call('HMGET', KEYS[1], 's', 'v')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', (tonumber(previous[2]) or 0) + 1, 'd', ARGV[1], 's', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return previous[1]`,
  },
  /** ARGV: expected version, data, sid. Compare-and-set keeping the TTL; answers the sid the key held before, or nil when nothing was written. */
  sessionUpdate: {
    numberOfKeys: 1,
    lua: `if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return false end
local previous = redis.call('HGET', KEYS[1], 's')
redis.call('HSET', KEYS[1], 'v', tonumber(ARGV[1]) + 1, 'd', ARGV[2], 's', ARGV[3])
return previous`,
  },
  /** ARGV: ttl ms. Extends the TTL only (GT never shortens it); 1 when the key exists. */
  sessionTouch: {
    numberOfKeys: 1,
    lua: `if redis.call('PEXPIRE', KEYS[1], ARGV[1], 'GT') == 1 then return 1 end
return redis.call('EXISTS', KEYS[1])`,
  },
  /** ARGV: sid. Deletes the session only while it still carries this sid, so a stale index entry ends nothing. */
  sessionDeleteIfSid: {
    numberOfKeys: 1,
    lua: `if redis.call('HGET', KEYS[1], 's') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  },
  /** ARGV: version. Deletes the session only while it is still at the version the caller read (a compare-and-set delete). */
  sessionDeleteAt: {
    numberOfKeys: 1,
    lua: `if redis.call('HGET', KEYS[1], 'v') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  },
  /**
   * ARGV: session key, absolute expiry (epoch ms), now (epoch ms). Adds the
   * session to its user's index (a sorted set scored by absolute expiry), drops
   * the entries whose sessions are past theirs, and lets the index live as long
   * as its longest-lived session.
   */
  userIndexAdd: {
    numberOfKeys: 1,
    lua: `redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then redis.call('PEXPIREAT', KEYS[1], last[2]) end
return 1`,
  },
  /** ARGV: owner. Releases a lock only for its owner. */
  lockRelease: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  },
} as const;

type Scripts = {
  sessionGet: (key: string, knownVersion: string) => Promise<[string, number, string?] | null>;
  sessionSet: (key: string, data: string, sid: string, ttlMs: number) => Promise<string | null>;
  sessionUpdate: (key: string, version: number, data: string, sid: string) => Promise<string | null>;
  sessionTouch: (key: string, ttlMs: number) => Promise<number>;
  sessionDeleteIfSid: (key: string, sid: string) => Promise<number>;
  sessionDeleteAt: (key: string, version: string) => Promise<number>;
  userIndexAdd: (key: string, member: string, expiresAtMs: number, nowMs: number) => Promise<number>;
  lockRelease: (key: string, owner: string) => Promise<number>;
};

/**
 * A user id as the index's key names it: 128 bits of its SHA-256, base64url: no
 * user id in the clear in key names, and no brace to change the hash slot.
 */
const userTag = (userId: string) => createHash('sha256').update(userId).digest().toString('base64url', 0, 16);

/** How soon a client that ended without {@link RedisSessionStore.close} connects again. */
const RECONNECT_AFTER_END_MS = 100;

/** How often `deleteByUser` reads a session again when a write moved it on between its read and its delete. */
const DELETE_ATTEMPTS = 5;

class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError';
}

class StoreNotReplicatedError extends Error {
  override readonly name = 'StoreNotReplicatedError';
}

/**
 * Sessions in Redis (one server, a Sentinel group or a cluster), shared by every
 * BFF process: the production choice. Needs Redis 7.0 or later (`EXPIRE ... GT`).
 */
export class RedisSessionStore implements SessionStore {
  private readonly redis: RedisClient & Scripts;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly waitForReplicas: number;
  /** How many times the client has connected: `WAIT` vouches only for writes sent on its own connection. */
  private connections = 0;
  private closing = false;

  constructor(options: RedisStoreOptions) {
    this.prefix = options.keyPrefix ?? 'bff-auth:';
    this.timeoutMs = options.commandTimeoutMs ?? 2000;
    const { connection } = options;
    this.waitForReplicas = typeof connection === 'object' && 'sentinels' in connection ? (connection.waitForReplicas ?? 0) : 0;
    const redis = connectRedis(this, options.connection, {
      commandTimeout: this.timeoutMs,
      connectTimeout: this.timeoutMs,
      maxRetriesPerRequest: 1,
      // Commands issued in the same tick go out as one write: concurrent session reads cost one round of syscalls.
      enableAutoPipelining: true,
    });
    for (const [name, script] of Object.entries(SCRIPTS)) redis.defineCommand(name, script);
    this.redis = redis as typeof redis & Scripts;
    let down = false;
    this.redis.on('error', (error: NodeJS.ErrnoException) => {
      if (down) return;
      down = true;
      options.logger?.error('session_store.error', { store: 'redis', reason: error.code ?? error.name });
    });
    // ioredis ends a Sentinel client for good when its failover detector (+switch-master) closes the
    // connector while the client is reconnecting: the connector throws between asking Sentinel for the
    // master and connecting to it, and the client gives up ("Connection is closed" for every command
    // after). A store that is not closing connects again.
    const connectUnlessClosing = () => {
      if (!this.closing) this.redis.connect().catch(() => {});
    };
    this.redis.on('end', () => setTimeout(connectUnlessClosing, RECONNECT_AFTER_END_MS).unref());
    this.redis.on('ready', () => {
      this.connections++;
      if (down) options.logger?.info('session_store.ready', { store: 'redis' });
      down = false;
    });
  }

  async get(key: string): Promise<SessionRecord | undefined> {
    return this.getIfChanged(key, 0) as Promise<SessionRecord | undefined>;
  }

  async getIfChanged(key: string, knownVersion: number): Promise<SessionRecord | SessionStamp | undefined> {
    const found = await this.run(this.redis.sessionGet(this.sessionKey(key), knownVersion > 0 ? String(knownVersion) : ''));
    if (!found) return undefined;
    const [version, ttlMs, text] = found;
    // No TTL (a key written by hand): the session lasts to its absolute expiry.
    const idleExpiresAt = ttlMs < 0 ? Number.POSITIVE_INFINITY : Math.floor((Date.now() + ttlMs) / 1000);
    const stamp = { version: Number(version), idleExpiresAt };
    return text === undefined ? stamp : { ...decodeSession(text), ...stamp };
  }

  async set(key: string, data: SessionData, ttlSeconds: number) {
    await this.replicated(async () => {
      // The index entries go first: a crash between the two writes leaves a harmless stale entry, never an unindexed session.
      await this.index(key, data);
      const previous = await this.run(this.redis.sessionSet(this.sessionKey(key), encodeSession(data), data.sid ?? '', ms(ttlSeconds)));
      await this.unindex(key, previous, data.sid);
    });
  }

  async update(key: string, version: number, data: SessionData) {
    return this.replicated(async () => {
      await this.index(key, data);
      const previous = await this.run(this.redis.sessionUpdate(this.sessionKey(key), version, encodeSession(data), data.sid ?? ''));
      if (previous === null) return false;
      await this.unindex(key, previous, data.sid);
      return true;
    });
  }

  async touch(key: string, ttlSeconds: number) {
    return this.replicated(async () => (await this.run(this.redis.sessionTouch(this.sessionKey(key), ms(ttlSeconds)))) === 1);
  }

  async delete(key: string) {
    await this.replicated(() => this.deleteWithEntries(key));
  }

  async deleteBySid(sid: string) {
    return this.replicated(async () => {
      const sidKey = this.sidKey(sid);
      const keys = await this.run(this.redis.smembers(sidKey));
      if (keys.length === 0) return 0;
      // One command per session: in a cluster the sessions live in different slots.
      const deleted = await Promise.all(keys.map((key) => this.deleteWithEntries(key, () => this.redis.sessionDeleteIfSid(this.sessionKey(key), sid))));
      // The members that no longer name a session of this sid (it expired, or a rewrite changed its sid).
      const stale = keys.filter((_, index) => !deleted[index]);
      if (stale.length > 0) await this.run(this.redis.srem(sidKey, ...stale));
      return deleted.filter(Boolean).length;
    });
  }

  refOf(key: string): string {
    return key;
  }

  async listByUser(userId: string): Promise<UserSession[]> {
    const keys = await this.run(this.redis.zrangebyscore(this.userKey(userId), `(${Date.now()}`, '+inf'));
    // One command per session: in a cluster the sessions live in different slots.
    const found = await Promise.all(keys.map((key) => this.get(key)));
    return keys.flatMap((key, index) => {
      const record = found[index];
      // An entry may be stale (the session ended, or a rewrite gave the key to another user): the record says whose it is.
      return record?.user.id === userId ? [{ ref: key, record }] : [];
    });
  }

  async deleteByUser(userId: string) {
    return this.replicated(async () => {
      const userKey = this.userKey(userId);
      const keys = await this.run(this.redis.zrange(userKey, '0', '-1'));
      const deleted = await Promise.all(keys.map((key) => this.deleteIfUser(key, userId)));
      // Only the entries of sessions ended here go: a key not found may be a login of this user still writing its session.
      const ended = keys.filter((_, index) => deleted[index]);
      if (ended.length > 0) await this.run(this.redis.zrem(userKey, ...ended));
      return ended.length;
    });
  }

  async deleteRef(ref: string) {
    return this.replicated(() => this.deleteWithEntries(ref));
  }

  async claimOnce(marker: string, ttlSeconds: number) {
    return this.replicated(async () => (await this.run(this.redis.set(this.tagged('once', marker), '1', 'PX', ms(ttlSeconds), 'NX'))) === 'OK');
  }

  async lock(name: string, ttlMs: number): Promise<StoreLock | undefined> {
    const key = this.tagged('lock', name);
    const owner = randomUUID();
    const release = async () => {
      await this.run(this.redis.lockRelease(key, owner));
    };
    try {
      const taken = await this.replicated(async () => (await this.run(this.redis.set(key, owner, 'PX', ms(ttlMs / 1000), 'NX'))) === 'OK');
      return taken ? { release } : undefined;
    } catch (error) {
      // A lock no replica has would not hold anyone off after a failover: given up, not left to lapse (a release by its owner alone).
      await release().catch(() => {});
      throw error;
    }
  }

  async ping() {
    await this.run(this.redis.ping());
  }

  async close() {
    this.closing = true;
    await this.redis.quit().catch(() => {});
    // quit() leaves a Sentinel client's failover detector connected to the sentinels (ioredis 6.0.0),
    // and reconnecting when they drop it: disconnect() closes those too.
    this.redis.disconnect();
  }

  /**
   * Adds the session to its user's index and to its sid's, each of which lives
   * as long as the longest absolute expiry among its sessions. They are in
   * different hash slots, so they are two commands. A rewrite that gives the key
   * to another user leaves a stale entry in the first user's index, which reads
   * check against the record and which goes with that session's absolute expiry.
   */
  private async index(key: string, data: SessionData) {
    const writes: Promise<unknown>[] = [this.redis.userIndexAdd(this.userKey(data.user.id), key, data.absoluteExpiresAt * 1000, Date.now())];
    if (data.sid) {
      const sidKey = this.sidKey(data.sid);
      const ttl = ms(data.absoluteExpiresAt - Date.now() / 1000);
      writes.push(this.redis.multi().sadd(sidKey, key).pexpire(sidKey, ttl, 'NX').pexpire(sidKey, ttl, 'GT').exec());
    }
    await this.run(Promise.all(writes));
  }

  /**
   * Deletes the session under `key` if it belongs to `userId`: read, then deleted
   * only at the version read, so a rewrite for another user in between is never
   * deleted; a write that moved it on (a token refresh) means reading it again.
   */
  private async deleteIfUser(key: string, userId: string): Promise<boolean> {
    for (let attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
      const record = await this.get(key);
      if (record?.user.id !== userId) return false;
      if ((await this.run(this.redis.sessionDeleteAt(this.sessionKey(key), String(record.version)))) === 1) {
        await this.dropEntries(key, { sid: record.sid });
        return true;
      }
    }
    throw new Error(`the session kept changing while it was being ended (${DELETE_ATTEMPTS} attempts)`);
  }

  /**
   * Deletes the session under `key` (by `remove`, a plain DEL unless given a conditional one)
   * and, when it did, the session's entries in its user's and its sid's index, as the memory
   * store does (`deleteByUser` drops the sid's entry of each session it ends): left there, an
   * ended session's entries would stay until its absolute expiry (a day by default), and a user
   * who signs in often would have every `list(userId)` read all of them. Dropping them after the
   * delete is safe: a deleted key is never written again (keys hash fresh session ids).
   * Resolves with whether it deleted the session.
   */
  private async deleteWithEntries(key: string, remove = () => this.redis.del(this.sessionKey(key))): Promise<boolean> {
    const record = await this.get(key);
    const deleted = (await this.run(remove())) === 1;
    if (deleted && record) await this.dropEntries(key, { userId: record.user.id, sid: record.sid });
    return deleted;
  }

  /** Drops the key from the index of the sid it carried before a rewrite that changed it. */
  private async unindex(key: string, previousSid: string | null, sid: string | undefined) {
    if (previousSid && previousSid !== (sid ?? '')) await this.dropEntries(key, { sid: previousSid });
  }

  /** Drops `key` from the user's index and the sid's index named (one command each: they are in different slots). */
  private async dropEntries(key: string, { userId, sid }: { userId?: string; sid?: string }) {
    const removals: Promise<number>[] = [];
    if (userId !== undefined) removals.push(this.redis.zrem(this.userKey(userId), key));
    if (sid) removals.push(this.redis.srem(this.sidKey(sid), key));
    await this.run(Promise.all(removals));
  }

  /**
   * Runs `write`, then resolves with its result once `waitForReplicas` replicas
   * have every write the connection sent so far (`WAIT`), else rejects: an
   * acknowledged write the master alone held would be lost by a failover.
   * `WAIT` speaks for its own connection only (https://redis.io/docs/latest/commands/wait/):
   * when the client connected again in between (it moves to the new master at
   * +switch-master), the writes may have gone to the old master, and the write is refused.
   */
  private async replicated<T>(write: () => Promise<T>): Promise<T> {
    if (this.waitForReplicas === 0) return write();
    // Commands given while the client is not ready wait for its next connection.
    const connection = this.redis.status === 'ready' ? this.connections : this.connections + 1;
    const result = await write();
    const acknowledged = await this.run(this.redis.wait(this.waitForReplicas, Math.floor(this.timeoutMs / 2)));
    if (this.connections !== connection) throw new StoreNotReplicatedError('the connection to Redis changed between the write and its WAIT');
    if (acknowledged < this.waitForReplicas) {
      throw new StoreNotReplicatedError(`${acknowledged} of ${this.waitForReplicas} replicas acknowledged the write`);
    }
    return result;
  }

  /** A command that does not answer in time rejects, so a request never waits on a Redis that is gone. */
  private run<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeoutError('Redis did not answer in time')), this.timeoutMs);
    });
    return Promise.race([command, timeout]).finally(() => clearTimeout(timer));
  }

  private sessionKey(key: string): string {
    return this.tagged('session', key);
  }

  private sidKey(sid: string): string {
    return this.tagged('sid', sid);
  }

  private userKey(userId: string): string {
    return this.tagged('user', userTag(userId));
  }

  private tagged(kind: string, name: string): string {
    return `${this.prefix}${kind}:{${name}}`;
  }
}

/** Seconds (possibly fractional) as the whole milliseconds Redis takes, at least 1. */
const ms = (seconds: number) => Math.max(1, Math.ceil(seconds * 1000));
