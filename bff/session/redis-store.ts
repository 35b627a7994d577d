import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { SessionRecord, SessionStore } from './store.js';

export interface RedisStoreOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** Prefix of every key this store writes. Default `bff-auth:`. */
  keyPrefix?: string;
  /** A command gives up after this long, so a Redis outage never hangs a request. Default 2000 ms. */
  commandTimeoutMs?: number;
  logger?: Logger;
}

/** Sessions in Redis, shared by every BFF process: the production choice. */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: RedisStoreOptions) {
    this.prefix = options.keyPrefix ?? 'bff-auth:';
    const timeout = options.commandTimeoutMs ?? 2000;
    this.redis = new Redis(options.url, {
      commandTimeout: timeout,
      connectTimeout: timeout,
      maxRetriesPerRequest: 1,
    });
    let down = false;
    this.redis.on('error', (error: NodeJS.ErrnoException) => {
      if (down) return;
      down = true;
      options.logger?.error('session_store.error', { store: 'redis', reason: error.code ?? error.name });
    });
    this.redis.on('ready', () => {
      if (down) options.logger?.info('session_store.ready', { store: 'redis' });
      down = false;
    });
  }

  async get(key: string) {
    const json = await this.redis.get(this.sessionKey(key));
    return json === null ? undefined : (JSON.parse(json) as SessionRecord);
  }

  async set(key: string, record: SessionRecord, ttlSeconds: number) {
    const seconds = Math.max(1, Math.ceil(ttlSeconds));
    const multi = this.redis.multi().set(this.sessionKey(key), JSON.stringify(record), 'EX', seconds);
    if (record.sid) {
      const sidKey = this.sidKey(record.sid);
      // The index lives as long as its longest-lived session.
      multi.sadd(sidKey, key).expire(sidKey, seconds, 'NX').expire(sidKey, seconds, 'GT');
    }
    await multi.exec();
  }

  async delete(key: string) {
    await this.redis.del(this.sessionKey(key));
  }

  async deleteBySid(sid: string) {
    const sidKey = this.sidKey(sid);
    const keys = await this.redis.smembers(sidKey);
    const deleted = keys.length === 0 ? 0 : await this.redis.del(...keys.map((key) => this.sessionKey(key)));
    await this.redis.del(sidKey);
    return deleted;
  }

  async claimOnce(marker: string, ttlSeconds: number) {
    const result = await this.redis.set(`${this.prefix}once:${marker}`, '1', 'EX', Math.ceil(ttlSeconds), 'NX');
    return result === 'OK';
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private sessionKey(key: string): string {
    return `${this.prefix}session:${key}`;
  }

  private sidKey(sid: string): string {
    return `${this.prefix}sid:${sid}`;
  }
}
