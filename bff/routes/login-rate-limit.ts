import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../log.js';
import type { RedisClient } from '../session/redis-client.js';
import { AuthBffError } from '../errors.js';
import { sendError } from './respond.js';
import { sendErrorPage } from './pages/error-page.js';

export interface RateLimitOptions {
  /** Requests per minute per client IP on each of the login and callback routes. */
  loginsPerMinute: number;
}

export interface LoginRateLimit {
  /**
   * Throttles a route per client IP (`req.ip`: Express's `trust proxy` decides it); `bucket` names
   * the route. Over the limit a navigation gets a page, a fetch route (`answer: 'json'`) its JSON error.
   */
  middleware: (bucket: string, answer?: 'page' | 'json') => RequestHandler;
}

const DURATION_SECONDS = 60;

/** The one key every client address that is not an IP counts against, so no client names its own key. */
export const NOT_AN_IP = 'not-an-ip';

/**
 * An address as proxies write it in `X-Forwarded-For`, without what is not the address:
 * a port (`203.0.113.7:5678`, `[2001:db8::1]:443`) or an IPv6 zone (`fe80::1%eth0`).
 */
function addressOf(forwarded: string): string {
  const value = forwarded.trim();
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(value);
  if (bracketed) return bracketed[1]!.replace(/%.*$/s, '');
  const withPort = /^([\d.]+):\d*$/.exec(value);
  if (withPort) return withPort[1]!;
  return value.replace(/%.*$/s, '');
}

/**
 * The client a request is counted against: its IPv4 address, or the /64 of an
 * IPv6 one (one subscriber usually holds a whole /64, so counting single IPv6
 * addresses would not limit anyone); ports dropped, and anything that is not an
 * IP counts as {@link NOT_AN_IP}. So a key is at most 24 characters and never
 * a string a client chose.
 */
export function clientKey(ip: string | undefined): string {
  const address = addressOf(ip ?? '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (isIPv4(mapped ?? address)) return mapped ?? address;
  if (!isIPv6(address)) return NOT_AN_IP;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const groups = head === '' ? [] : head.split(':');
  const rest = tail === '' ? [] : tail.split(':');
  const full = [...groups, ...Array<string>(8 - groups.length - rest.length).fill('0'), ...rest];
  return `${full.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** A bucket's name for the log: a hash of its key, to tell clients apart without writing their address. */
export const bucketName = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** What `trust proxy` should be, said wherever the BFF finds it wrong. */
const TRUST_PROXY_FIX =
  'set Express\'s "trust proxy" (the standalone server: server.trustProxy) to the number of proxies in front of the BFF (e.g. 1) or their addresses (e.g. "10.0.0.2" or "loopback"), never true';

/**
 * Behind a proxy without `trust proxy`, every user counts as the proxy's address and one client
 * can keep everyone out; with `trust proxy` true, every client names its own bucket. Says so
 * once, at the first request that carries a forwarded header, with what to set.
 */
function proxyWarning(logger: Logger): (req: Request) => void {
  let warned = false;
  return (req) => {
    if (warned || (req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined)) return;
    const trust: unknown = req.app.get('trust proxy');
    if (trust === undefined || trust === false || trust === 0) {
      warned = true;
      logger.warn('rate_limit.proxy_not_trusted', {
        reason: 'forwarded headers arrive but "trust proxy" is off: the login rate limit counts every user as the proxy',
        fix: TRUST_PROXY_FIX,
      });
    } else if (trust === true) {
      warned = true;
      logger.warn('rate_limit.proxy_trusted_blindly', {
        reason: '"trust proxy" is true: every client picks its own login rate-limit bucket with X-Forwarded-For',
        fix: TRUST_PROXY_FIX,
      });
    }
  };
}

/**
 * The login rate limit (per client IP on `/auth/login` and `/auth/callback`),
 * so that one client cannot flood the session store with its own logins.
 * Counted in the session store's Redis when it has one (one server, a cluster or a
 * Sentinel group: every BFF process shares the count), else in this process; a Redis
 * outage falls back to this process's count.
 * Over the limit a navigation gets a 429 page with `Retry-After`, not a redirect:
 * it says what happened and when to try again, and cannot loop; the embed route (a
 * fetch, counted with the logins) gets the 429 JSON error with `Retry-After`.
 */
export function createLoginRateLimit(
  options: RateLimitOptions | false,
  store: { redis?: RedisClient; keyPrefix: string },
  logger: Logger,
): LoginRateLimit {
  if (options === false) return { middleware: () => (_req, _res, next) => next() };
  const limits = { points: options.loginsPerMinute, duration: DURATION_SECONDS, keyPrefix: `${store.keyPrefix}rate-limit` };
  const memory = new RateLimiterMemory(limits);
  const limiter: RateLimiterAbstract =
    store.redis === undefined ? memory : new RateLimiterRedis({ ...limits, storeClient: store.redis, rejectIfRedisNotReady: true, insuranceLimiter: memory });
  const warnOfProxy = proxyWarning(logger);

  return {
    middleware: (bucket, answer = 'page') => async (req, res, next) => {
      warnOfProxy(req);
      const key = `${bucket}:${clientKey(req.ip)}`;
      try {
        await limiter.consume(key);
        return next();
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) {
          logger.error('rate_limit.error', { reason: rejection instanceof Error ? rejection.name : 'unknown' });
          return next();
        }
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        logger.warn('rate_limit.exceeded', { route: bucket, bucket: bucketName(key) });
        res.set('Retry-After', String(retryAfter));
        if (answer === 'json') return sendError(res, new AuthBffError('rate_limited', `Too many sign-in attempts; try again in ${retryAfter} seconds.`));
        sendErrorPage(req, res, 429, 'rate_limited', { seconds: String(retryAfter) });
      }
    },
  };
}
