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
      /**
       * Replicas each write must reach before it counts (Redis `WAIT`, up to half the command
       * timeout), else it fails as the store being unavailable (503): replication is
       * asynchronous, and a failover loses what the new master never had. 0 (the default)
       * answers as soon as the master has it.
       */
      waitForReplicas: z.number().int().min(0).max(16).optional(),
    })
    .strict(),
]);

export type RedisConnection = z.input<typeof redisConnectionSchema>;
