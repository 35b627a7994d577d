import { AUTH_ERROR_PARAM, type AuthErrorCode } from '../../shared/index.js';

/** Longer values land on "/": `returnTo` is sealed into the transaction cookie, which must stay small. */
export const MAX_RETURN_TO_LENGTH = 512;
// A control character or a backslash: browsers treat "\" like "/", so "/\evil.example" would leave the site.
// eslint-disable-next-line no-control-regex -- matching the C0 controls and DEL is this pattern's job
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f\\]/;

/** A path-absolute reference that stays on `baseUrl`'s origin: "/x", never "//host" (RFC 3986 §4.2) nor "/\host". */
function isLocalPath(path: string, baseUrl: URL): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !UNSAFE_CHARACTERS.test(path) && new URL(path, baseUrl).origin === baseUrl.origin;
}

/**
 * Where to land after login: a same-origin path, else "/" (the open-redirect
 * defence, RFC 9700 §4.11.1). The value is judged after normalisation, as it
 * will be sent in `Location`: "/.//evil.example" normalises to the
 * network-path reference "//evil.example", so it is refused.
 */
export function safeReturnTo(value: unknown, baseUrl: URL): string {
  if (typeof value !== 'string' || !value.startsWith('/') || UNSAFE_CHARACTERS.test(value)) return '/';
  let resolved: URL;
  try {
    resolved = new URL(value, baseUrl);
  } catch {
    return '/';
  }
  const path = resolved.pathname + resolved.search + resolved.hash;
  return path.length <= MAX_RETURN_TO_LENGTH && isLocalPath(path, baseUrl) ? path : '/';
}

/**
 * The `Location` a login route answers: `returnTo` judged again as it is sent,
 * with `auth_error=CODE` when the login failed. Never throws, so the failure
 * path cannot turn into a 500.
 */
export function loginLocation(returnTo: unknown, baseUrl: URL, error?: AuthErrorCode): string {
  const path = safeReturnTo(returnTo, baseUrl);
  if (error === undefined) return path;
  const url = new URL(path, baseUrl);
  url.searchParams.set(AUTH_ERROR_PARAM, error);
  return url.pathname + url.search + url.hash;
}
