import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';

const redisUrl = z
  .string()
  .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
  .refine((value) => URL.canParse(value), 'must be a redis:// or rediss:// URL');

const credentials = { username: z.string().min(1).optional(), password: z.string().min(1).optional() };

/**
 * Where the Redis store connects (`session.store`): one server's URL, a Redis
 * Cluster (some of its nodes; the client finds the rest), or a group watched by
 * Redis Sentinel (some of the sentinels and the group's name). `rediss://` means TLS.
 */
export const redisConnectionSchema = z.union([
  redisUrl,
  z.object({ cluster: z.array(redisUrl).min(1, 'needs at least one node'), ...credentials }).strict(),
  z
    .object({
      sentinels: z.array(redisUrl).min(1, 'needs at least one sentinel'),
      /** The name of the master group the sentinels watch (`sentinel monitor NAME ...`). */
      name: z.string().min(1),
      ...credentials,
      sentinelUsername: z.string().min(1).optional(),
      sentinelPassword: z.string().min(1).optional(),
    })
    .strict(),
]);

export type RedisConnection = z.input<typeof redisConnectionSchema>;

/** The ioredis client for a connection: `Redis` for one server or a Sentinel group, `Cluster` for a cluster. */
export function connectRedis(connection: RedisConnection, options: RedisOptions): Redis | Cluster {
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
