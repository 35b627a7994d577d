import { isIP, isIPv4 } from 'node:net';
import { z } from 'zod';

/** The names Express's `trust proxy` (proxy-addr) knows for address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * What is wrong with one `trust proxy` address: it must be a range name, an IP, or an IP with a
 * prefix length or (IPv4) a netmask, and not every address (`/0`), which is the same as `true`.
 */
function addressIssue(entry: string): string | undefined {
  if (RANGE_NAMES.has(entry)) return undefined;
  const [ip = '', range, ...more] = entry.split('/');
  const family = isIP(ip);
  if (family === 0 || more.length > 0) return `"${entry}" is not an IP, a subnet (10.0.0.0/8) or one of ${[...RANGE_NAMES].join(', ')}`;
  if (range === undefined) return undefined;
  const prefix = /^\d{1,3}$/.test(range) ? Number(range) : isIPv4(range) && family === 4 ? undefined : Number.NaN;
  if (Number.isNaN(prefix) || (prefix ?? 0) > (family === 4 ? 32 : 128)) return `"${entry}" has no valid prefix length or netmask`;
  if (prefix === 0 || range === '0.0.0.0') return `"${entry}" trusts every address, which is the same as true`;
  return undefined;
}

const TRUE_REFUSED =
  'true would believe any X-Forwarded-For, so every client could pick its own rate-limit bucket; ' +
  'give the number of proxies in front of the BFF (e.g. 1) or their addresses (e.g. "10.0.0.2", "loopback")';

/**
 * Express's `trust proxy`: which proxies' `X-Forwarded-For` to believe for the client IP (the
 * login rate limit counts by it). A hop count or the proxies' addresses; never `true`.
 */
export const trustProxySchema = z
  .union([z.boolean(), z.number().int().min(0), z.string(), z.array(z.string())], 'must be a number of proxies or their addresses')
  .superRefine((value, context) => {
    if (value === true) return context.addIssue({ code: 'custom', message: TRUE_REFUSED });
    if (typeof value !== 'string' && !Array.isArray(value)) return;
    const entries = (typeof value === 'string' ? value.split(',') : value).map((entry) => entry.trim());
    for (const entry of entries) {
      const issue = addressIssue(entry);
      if (issue !== undefined) context.addIssue({ code: 'custom', message: issue });
    }
  });
