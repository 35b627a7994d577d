import type { JsonObject, User } from '../../shared/index.js';
import type { SessionData } from './store.js';

/**
 * Each user field's position in the stored user array. Positions are part of the
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

/**
 * The standard claims (OpenID Connect Core 1.0 §5.1), written as their position
 * in this list. Part of the stored format: append, never reorder.
 */
const STANDARD_CLAIMS = [
  'sub', 'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website',
  'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified', 'address', 'updated_at',
];
const STANDARD_CLAIM_POSITIONS = new Map(STANDARD_CLAIMS.map((claim, position) => [claim, position]));

/**
 * The protected header every token set sealed by bff/crypto/seal.ts starts
 * with, but for its key id: `{"alg":"dir","enc":"A256GCM","kid":"..."}`, base64url.
 */
const sealedHeader = (kid: string) => Buffer.from(`{"alg":"dir","enc":"A256GCM","kid":"${kid}"}`).toString('base64url');
const SEALED_HEADER_KID = /^\{"alg":"dir","enc":"A256GCM","kid":"([A-Za-z0-9_-]{1,64})"\}$/;

/** By USER_FIELDS position: the value; a number, the position of the profile claim holding it; null, absent (or, for `id` and `provider`, derived). */
type StoredUser = (string | boolean | number | null)[];

/** The format written now: an array, so no field names. */
type StoredV2 = [
  format: 2,
  provider: string,
  user: StoredUser,
  /** Claim name (or its STANDARD_CLAIMS position), value, and so on, in the profile's order. */
  profile: unknown[],
  /** The sealed token set; or its key id and the rest, when its header is the sealer's (rebuilt byte for byte). */
  tokens: string | [kid: string, rest: string],
  createdAt: number,
  /** Seconds from createdAt. */
  absoluteLifetime: number,
  /** null when there is none but data follows. */
  sid?: string | null,
  sessionData?: JsonObject | null,
  /** null when there is none but linked token sets follow. */
  clientData?: JsonObject | null,
  /** The linked providers' token sets: each its provider and then `tokens` as that field stores it, flattened. */
  linked?: ([provider: string, sealed: string] | [provider: string, kid: string, rest: string])[],
];

/** The format written before (still read): an object with short keys. */
interface StoredV1 {
  p: string;
  u: StoredUser;
  r: Record<string, unknown>;
  t: string;
  s?: string;
  c: number;
  a: number;
}

/** The profile's claims in the order JSON writes and reads them back. */
const claimsOf = (profile: Record<string, unknown>) => Object.keys(profile).filter((claim) => profile[claim] !== undefined);

function storedUser(data: SessionData, claims: readonly string[]): StoredUser {
  const { provider, user, profile } = data;
  const u = USER_FIELDS.map((field): StoredUser[number] => {
    const value = user[field];
    if (value === undefined) return null;
    if (field === 'id' && value === `${user.provider}:${user.providerUserId}`) return null;
    if (field === 'provider' && value === provider) return null;
    const claim = claims.findIndex((name) => profile[name] === value);
    return claim >= 0 ? claim : value;
  });
  while (u.length > 0 && u[u.length - 1] === null) u.pop();
  return u;
}

function userOf(u: StoredUser, profile: Record<string, unknown>, provider: string): User {
  const claims = claimsOf(profile);
  const user: Record<string, unknown> = {};
  USER_FIELDS.forEach((field, position) => {
    const value = u[position] ?? null;
    if (typeof value === 'number') user[field] = profile[claims[value] as string];
    else if (value !== null) user[field] = value;
  });
  user.provider ??= provider;
  user.id ??= `${String(user.provider)}:${String(user.providerUserId)}`;
  return user as unknown as User;
}

function storedTokens(sealed: string): StoredV2[4] {
  const dot = sealed.indexOf('.');
  const kid = SEALED_HEADER_KID.exec(Buffer.from(sealed.slice(0, dot), 'base64url').toString('latin1'))?.[1];
  // Only when the header rebuilds exactly: the value must come back byte for byte.
  return dot > 0 && kid !== undefined && sealedHeader(kid) === sealed.slice(0, dot) ? [kid, sealed.slice(dot)] : sealed;
}

const tokensOf = (stored: StoredV2[4]) => (typeof stored === 'string' ? stored : sealedHeader(stored[0]) + stored[1]);

/**
 * A session's data as the stores keep it: a compact JSON array in which the
 * user's fields that repeat a profile claim (name, email, picture ... usually
 * most of them) are not written twice, standard claim names are numbers, and
 * the sealed token set's constant header is left out.
 */
export function encodeSession(data: SessionData): string {
  const claims = claimsOf(data.profile);
  const profile = claims.flatMap((claim) => [STANDARD_CLAIM_POSITIONS.get(claim) ?? claim, data.profile[claim]]);
  const stored: StoredV2 = [2, data.provider, storedUser(data, claims), profile, storedTokens(data.tokens), data.createdAt, data.absoluteExpiresAt - data.createdAt];
  // Trailing fields only as far as the last one present: a session without them stays as small as before.
  const tail = [data.sid, data.sessionData, data.clientData, data.linked?.map(({ provider, tokens }) => [provider, ...[storedTokens(tokens)].flat()])];
  while (tail.length > 0 && tail[tail.length - 1] === undefined) tail.pop();
  stored.push(...tail.map((field) => field ?? null));
  return JSON.stringify(stored);
}

/** The data `encodeSession` writes; also reads the records of the two formats before it. */
export function decodeSession(text: string): SessionData {
  const parsed = JSON.parse(text) as StoredV2 | StoredV1 | SessionData;
  if ('user' in parsed) return parsed;
  if ('p' in parsed) {
    const { p: provider, r: profile, s: sid } = parsed;
    return { provider, user: userOf(parsed.u, profile, provider), profile, tokens: parsed.t, ...(sid === undefined ? {} : { sid }), createdAt: parsed.c, absoluteExpiresAt: parsed.a };
  }
  const [, provider, u, pairs, tokens, createdAt, absoluteLifetime, sid, sessionData, clientData, linked] = parsed;
  const entries: [string, unknown][] = [];
  for (let index = 0; index < pairs.length; index += 2) {
    const claim = pairs[index];
    entries.push([typeof claim === 'number' ? (STANDARD_CLAIMS[claim] as string) : String(claim), pairs[index + 1]]);
  }
  // fromEntries defines own properties: a claim named `__proto__` stays a claim.
  const profile = Object.fromEntries(entries);
  return {
    provider,
    user: userOf(u, profile, provider),
    profile,
    tokens: tokensOf(tokens),
    ...(typeof sid === 'string' ? { sid } : {}),
    createdAt,
    absoluteExpiresAt: createdAt + absoluteLifetime,
    ...(sessionData == null ? {} : { sessionData }),
    ...(clientData == null ? {} : { clientData }),
    ...(linked === undefined ? {} : { linked: linked.map(([linkedProvider, ...stored]) => ({ provider: linkedProvider, tokens: tokensOf(stored.length === 1 ? stored[0] : stored) })) }),
  };
}
