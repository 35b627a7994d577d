import { isIPv6 } from 'node:net';
import type { RequestHandler } from 'express';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../log.js';
import { navigationErrorPage } from './unknown-provider-page.js';

export interface RateLimitOptions {
  /** Requests per minute per client IP on each of the login and callback routes. */
  loginsPerMinute: number;
}

export interface LoginRateLimit {
  /** Throttles a navigation route per client IP (`req.ip`: Express's `trust proxy` decides it); `bucket` names the route. */
  middleware: (bucket: string) => RequestHandler;
  close: () => Promise<void>;
}

const DURATION_SECONDS = 60;

/**
 * The client a request is counted against: its IPv4 address, or the /64 of an
 * IPv6 one (one subscriber usually holds a whole /64, so counting single IPv6
 * addresses would not limit anyone).
 */
export function clientKey(ip: string | undefined): string {
  const address = (ip ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const groups = head === '' ? [] : head.split(':');
  const rest = tail === '' ? [] : tail.split(':');
  const full = [...groups, ...Array<string>(8 - groups.length - rest.length).fill('0'), ...rest];
  return `${full.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * The login rate limit (per client IP on `/auth/login` and `/auth/callback`),
 * so that one client cannot flood the session store with its own logins.
 * Counted in Redis when sessions live there (every BFF process shares the
 * count), else in this process; a Redis outage falls back to this process's count.
 * Over the limit a navigation gets a 429 page with `Retry-After`, not a redirect:
 * it says what happened and when to try again, and cannot loop.
 */
export function createLoginRateLimit(
  options: RateLimitOptions | false,
  store: { url?: string; keyPrefix: string },
  logger: Logger,
): LoginRateLimit {
  if (options === false) return { middleware: () => (_req, _res, next) => next(), close: async () => {} };
  const limits = { points: options.loginsPerMinute, duration: DURATION_SECONDS, keyPrefix: `${store.keyPrefix}rate-limit` };
  const memory = new RateLimiterMemory(limits);
  let redis: Redis | undefined;
  let limiter: RateLimiterAbstract = memory;
  if (store.url !== undefined) {
    redis = new Redis(store.url, { commandTimeout: 2000, connectTimeout: 2000, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    // The session store reports the outage; here it only means counting in memory meanwhile.
    redis.on('error', () => {});
    limiter = new RateLimiterRedis({ ...limits, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory });
  }

  return {
    middleware: (bucket) => async (req, res, next) => {
      try {
        await limiter.consume(`${bucket}:${clientKey(req.ip)}`);
        return next();
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) {
          logger.error('rate_limit.error', { reason: rejection instanceof Error ? rejection.name : 'unknown' });
          return next();
        }
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        logger.warn('rate_limit.exceeded', { route: bucket });
        res.set('Retry-After', String(retryAfter));
        res
          .status(429)
          .type('html')
          .send(navigationErrorPage('Too many sign-in attempts', `Too many sign-in attempts came from your network; please try again in ${retryAfter} seconds`, 'rate_limited'));
      }
    },
    close: async () => {
      await redis?.quit().catch(() => redis?.disconnect());
    },
  };
}
