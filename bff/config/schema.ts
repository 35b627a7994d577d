import { z } from 'zod';
import { DEFAULT_BASE_PATH } from '../../shared/index.js';
import { isLoopbackHost } from '../http/provider-fetch.js';
import type { Logger } from '../log.js';
import type { ProviderType } from '../providers/provider.js';
import { redisConnectionSchema } from '../session/redis-connection.js';
import type { SessionStore } from '../session/store.js';
import { apiProxySchema } from './api-proxy-schema.js';
import { trustProxySchema } from './trust-proxy.js';
import { timeoutMs } from '../providers/config-fields.js';
import type { OnEvent } from '../users/events.js';
import type { OnLogin } from '../users/login-hook.js';

const isFunction = (value: unknown) => typeof value === 'function';

const hasMethods = (value: unknown, methods: readonly string[]) =>
  typeof value === 'object' && value !== null && methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');

const isSessionStore = (value: unknown): value is SessionStore =>
  hasMethods(value, ['get', 'set', 'update', 'touch', 'delete', 'deleteBySid', 'refOf', 'listByUser', 'deleteByUser', 'deleteRef', 'claimOnce', 'lock', 'ping', 'close']);

/** A provider type as `definePlatform` makes it. */
export const isProviderType = (value: unknown): value is ProviderType =>
  hasMethods(value, ['create']) &&
  typeof (value as { type?: unknown }).type === 'string' &&
  hasMethods((value as { configSchema?: unknown }).configSchema, ['safeParse']);

const isLogger = (value: unknown): value is Logger => hasMethods(value, ['info', 'warn', 'error']);

const baseUrl = z
  .string()
  .refine((value) => URL.canParse(value), 'must be an absolute URL such as https://app.example.com')
  .transform((value) => new URL(value))
  .refine(
    (url) => url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)),
    'must be https (plain http is allowed only on localhost, 127.0.0.1 and [::1])',
  )
  .refine((url) => url.pathname === '/' && !url.search && !url.hash, 'must be an origin without a path, query or fragment');

const secret = z.string().min(32, 'must be at least 32 characters (generate one with: openssl rand -base64 32)');

const session = z
  .object({
    /** "memory", a redis:// or rediss:// URL, a Redis Cluster or Sentinel group, or (in code) a SessionStore. */
    store: z
      .union([
        z.literal('memory'),
        z.custom<SessionStore>(isSessionStore),
        redisConnectionSchema,
      ], 'must be "memory", a redis:// or rediss:// URL, { "cluster": [...] }, { "sentinels": [...], "name": "..." } or a SessionStore')
      .default('memory'),
    idleTimeoutSeconds: z.number().int().min(60).default(1800),
    absoluteTimeoutSeconds: z.number().int().min(60).default(86_400),
    sameSite: z.enum(['strict', 'lax']).default('strict'),
    /** Prefix of every Redis key. Braces would change which keys share a cluster hash slot. */
    keyPrefix: z
      .string()
      .min(1)
      .regex(/^[^{}]*$/, 'must not contain "{" or "}"')
      .default('bff-auth:'),
    /** The memory store's bound. */
    maxSessions: z.number().int().min(1).default(10_000),
  })
  .strict()
  .refine((s) => s.absoluteTimeoutSeconds >= s.idleTimeoutSeconds, {
    message: 'absoluteTimeoutSeconds must not be shorter than idleTimeoutSeconds',
    path: ['absoluteTimeoutSeconds'],
  });

/** The login rate limit per client IP (see bff/routes/login-rate-limit.ts), or `false` to turn it off. */
const rateLimit = z
  .union([z.literal(false), z.object({ loginsPerMinute: z.number().int().min(1).default(30) }).strict()])
  .default({ loginsPerMinute: 30 });

/** Options only the standalone server (`bff-auth serve`) reads; an app that mounts the router sets its own. */
export const serverOptionsSchema = z
  .object({
    trustProxy: trustProxySchema.optional(),
    /** Content-Security-Policy directives merged over the defaults (`frame-ancestors 'none'`...), or `false` for none. */
    contentSecurityPolicy: z.union([z.literal(false), z.record(z.string(), z.array(z.string()))]).optional(),
    /** V8 compacts its old space on every full collection: RSS stays flat under steady load, at a cost in p99 latency (docs/design.md, `server/`); `false` keeps V8's default. */
    compactHeap: z.boolean().default(true),
  })
  .strict();

/** The config's top level; each entry of `providers` is then checked by its type's own schema. */
export const configSchema = z
  .object({
    baseUrl,
    secrets: z.array(secret).min(1, 'needs at least one secret'),
    basePath: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$/, 'must start with "/" and not end with "/", e.g. "/auth"')
      .default(DEFAULT_BASE_PATH),
    session: session.prefault({}),
    httpTimeoutMs: timeoutMs.default(10_000),
    /** Where the provider sends the browser after RP-initiated logout. Default: `baseUrl` + "/". */
    postLogoutRedirectUri: z.string().refine((value) => URL.canParse(value), 'must be an absolute URL').optional(),
    providers: z.array(z.looseObject({ type: z.string('must be a string naming the provider type') })).min(1, 'needs at least one provider'),
    /** The app's own provider types (`definePlatform`), which `providers` entries name beside the built-in ones. */
    platforms: z.array(z.custom<ProviderType>(isProviderType, 'must be a platform made with definePlatform')).default([]),
    /** Upstream APIs the browser calls through the BFF with the session's access token. */
    apis: z.array(apiProxySchema).default([]),
    rateLimit,
    server: serverOptionsSchema.prefault({}),
    logger: z.custom<Logger>(isLogger, 'must have info, warn and error methods').optional(),
    /** Admits, refuses or maps each login before its session exists (README, "Your users"). */
    onLogin: z.custom<OnLogin>(isFunction, 'must be a function').optional(),
    /** Told of logins, failed logins, logouts, ended sessions and failed refreshes; never awaited. */
    onEvent: z.custom<OnEvent>(isFunction, 'must be a function').optional(),
  })
  .strict();

export type AuthBffConfigInput = z.input<typeof configSchema>;
