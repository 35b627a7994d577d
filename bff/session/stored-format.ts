import type { User } from '../../shared/index.js';
import type { SessionData } from './store.js';

/**
 * Each user field's position in the stored `u` array. Positions are part of the
 * stored format: append new fields, never renumber. Typed over `keyof User`, so
 * a field added to `User` does not compile until it has a position here.
 */
const USER_FIELD_POSITIONS: Record<keyof User, number> = {
  id: 0,
  provider: 1,
  providerUserId: 2,
  unionId: 3,
  name: 4,
  username: 5,
  email: 6,
  emailVerified: 7,
  avatarUrl: 8,
  locale: 9,
};
const USER_FIELDS = (Object.keys(USER_FIELD_POSITIONS) as (keyof User)[]).sort((a, b) => USER_FIELD_POSITIONS[a] - USER_FIELD_POSITIONS[b]);

/** A session as stored: short keys, and the user's fields that repeat a profile claim written as that claim's position. */
interface Stored {
  p: string;
  /** By USER_FIELDS position: the value; a number, the position of the profile claim holding it; null, absent (or, for `id` and `provider`, derived). */
  u: (string | boolean | number | null)[];
  r: Record<string, unknown>;
  t: string;
  s?: string;
  c: number;
  a: number;
}

/** The profile's claims in the order JSON writes and reads them back. */
const claimsOf = (profile: Record<string, unknown>) => Object.keys(profile).filter((claim) => profile[claim] !== undefined);

/**
 * A session's data as the stores keep it: compact JSON in which the user's
 * fields that repeat a profile claim (name, email, picture ... usually most of
 * them) are not written twice.
 */
export function encodeSession(data: SessionData): string {
  const { provider, user, profile } = data;
  const claims = claimsOf(profile);
  const u = USER_FIELDS.map((field): Stored['u'][number] => {
    const value = user[field];
    if (value === undefined) return null;
    if (field === 'id' && value === `${user.provider}:${user.providerUserId}`) return null;
    if (field === 'provider' && value === provider) return null;
    const claim = claims.findIndex((name) => profile[name] === value);
    return claim >= 0 ? claim : value;
  });
  while (u.length > 0 && u[u.length - 1] === null) u.pop();
  const stored: Stored = { p: provider, u, r: profile, t: data.tokens, ...(data.sid === undefined ? {} : { s: data.sid }), c: data.createdAt, a: data.absoluteExpiresAt };
  return JSON.stringify(stored);
}

/** The data `encodeSession` wrote; also reads the plain JSON records written before this format. */
export function decodeSession(text: string): SessionData {
  const parsed = JSON.parse(text) as Stored | SessionData;
  if ('user' in parsed) return parsed;
  const { p: provider, u, r: profile } = parsed;
  const claims = claimsOf(profile);
  const user: Record<string, unknown> = {};
  USER_FIELDS.forEach((field, position) => {
    const value = u[position] ?? null;
    if (typeof value === 'number') user[field] = profile[claims[value] as string];
    else if (value !== null) user[field] = value;
  });
  user.provider ??= provider;
  user.id ??= `${String(user.provider)}:${String(user.providerUserId)}`;
  return {
    provider,
    user: user as unknown as User,
    profile,
    tokens: parsed.t,
    ...(parsed.s === undefined ? {} : { sid: parsed.s }),
    createdAt: parsed.c,
    absoluteExpiresAt: parsed.a,
  };
}
