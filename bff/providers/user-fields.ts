import { AuthBffError } from '../errors.js';
import { valueAt } from './json-body.js';
import type { ProviderUser } from './provider.js';

/** For each `User` field, the profile keys (or dotted paths) that may hold it, first match wins. */
export type UserFieldMap = { [Field in keyof ProviderUser]-?: readonly string[] };

/** OpenID Connect standard claims (OIDC Core §5.1), with the names common OAuth 2.0 platforms use next to them. */
export const STANDARD_USER_FIELDS: UserFieldMap = {
  name: ['name'],
  username: ['preferred_username', 'login', 'username'],
  email: ['email'],
  emailVerified: ['email_verified'],
  avatarUrl: ['picture', 'avatar_url'],
  locale: ['locale'],
};

/** Keys that may hold the user's id in a userinfo answer when the provider has no ID token. */
export const STANDARD_ID_FIELDS = ['sub', 'id', 'user_id'] as const;

export function mapUser(profile: Record<string, unknown>, fields: UserFieldMap): ProviderUser {
  const pick = (keys: readonly string[]) => keys.map((key) => valueAt(profile, key)).find((value) => value !== undefined && value !== null && value !== '');
  const text = (keys: readonly string[]) => {
    const value = pick(keys);
    return typeof value === 'string' ? value : undefined;
  };
  const verified = pick(fields.emailVerified);
  return {
    name: text(fields.name),
    username: text(fields.username),
    email: text(fields.email),
    emailVerified: typeof verified === 'boolean' ? verified : verified === 'true' ? true : undefined,
    avatarUrl: text(fields.avatarUrl),
    locale: text(fields.locale),
  };
}

/**
 * A user id exactly as the platform spells it: a non-empty string, or a JSON
 * number as its decimal string (GitHub's and Gitee's ids are numbers). A number
 * past 2^53 has already lost digits in `JSON.parse`, so it is refused, not guessed.
 */
export function idString(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value !== 'number') return undefined;
  if (!Number.isSafeInteger(value)) throw new AuthBffError('profile_failed', 'The provider sent a user id as a number that cannot be kept exactly.');
  return String(value);
}

/** The user's id in an answer: the first of `paths` that holds one. */
export function idAt(answer: Record<string, unknown>, paths: readonly string[] = []): string | undefined {
  for (const path of paths) {
    const id = idString(valueAt(answer, path));
    if (id !== undefined) return id;
  }
  return undefined;
}
