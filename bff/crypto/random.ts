import { createHash, randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// The largest multiple of 62 below 256: bytes at or above it are dropped so every character is equally likely.
const UNBIASED_LIMIT = 248;

/**
 * Random `[A-Za-z0-9]` text. `state` uses it because WeChat rejects anything
 * else in `state` (and anything over 128 bytes).
 */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_LIMIT) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export const STATE_LENGTH = 32;
export const STATE_PATTERN = /^[A-Za-z0-9]{32}$/;

/** A session id: 256 random bits, base64url. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The store key of a session id, so that a dump of the store holds no usable cookie. */
export function sessionKey(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url');
}
