import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { SessionStore } from './store.js';
import type { RedisConnection } from './redis-connection.js';

/**
 * The ioredis side of the Redis store, kept out of every declaration an app compiles against:
 * ioredis's own declarations do not type-check with `skipLibCheck` off (6.1 imports the untyped
 * `redis-errors`), and an app that never uses Redis should not read them.
 */
export type RedisClient = Redis | Cluster;

/** The longest the failover detector waits before it connects to a sentinel again. */
const SENTINEL_RECONNECT_MAX_MS = 5_000;

const clients = new WeakMap<SessionStore, RedisClient>();

/** The connection of a Redis session store, for the login rate limit to count where the sessions live. */
export const redisClientOf = (store: SessionStore): RedisClient | undefined => clients.get(store);

/** The ioredis client of `store` for a connection: `Redis` for one server or a Sentinel group, `Cluster` for a cluster. */
export function connectRedis(store: SessionStore, connection: RedisConnection, options: RedisOptions): RedisClient {
  const client = newClient(connection, options);
  clients.set(store, client);
  return client;
}

function newClient(connection: RedisConnection, options: RedisOptions): RedisClient {
  if (typeof connection === 'string') return new Redis(connection, options);
  const { username, password } = connection;
  const auth = { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
  if ('cluster' in connection) {
    const tls = connection.cluster.some(isTls) ? { tls: {} } : {};
    return new Cluster(
      connection.cluster.map((url) => address(url, 6379)),
      { redisOptions: { ...options, ...auth, ...tls } },
    );
  }
  const tls = connection.sentinels.some(isTls);
  return new Redis({
    ...options,
    ...auth,
    sentinels: connection.sentinels.map((url) => address(url, 26379)),
    name: connection.name,
    // Hear of a failover from the sentinels (+switch-master) and move to the new master at once: a
    // master demoted by SENTINEL FAILOVER keeps taking writes until it is made a replica, and then
    // drops them when it syncs from the new one (found by the soak, bench/soak/).
    failoverDetector: true,
    // The detector's connections to the sentinels: ioredis waits 60 s before each new attempt, and a
    // failover in that minute goes unheard (the writes above are lost). Try again within seconds.
    sentinelReconnectStrategy: (attempt: number) => Math.min(attempt * 250, SENTINEL_RECONNECT_MAX_MS),
    ...(connection.sentinelUsername === undefined ? {} : { sentinelUsername: connection.sentinelUsername }),
    ...(connection.sentinelPassword === undefined ? {} : { sentinelPassword: connection.sentinelPassword }),
    ...(tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
  });
}

const isTls = (url: string) => url.startsWith('rediss:');

function address(url: string, defaultPort: number): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(port || defaultPort) };
}
