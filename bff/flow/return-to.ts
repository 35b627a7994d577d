const MAX_RETURN_TO_LENGTH = 2048;
// A control character or a backslash: browsers treat "\" like "/", so "/\evil.example" would leave the site.
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f\\]/;

/**
 * Where to land after login: a same-origin relative path, else "/". Rejects
 * absolute URLs, scheme-relative "//host" and "/\host", and anything that
 * resolves to another origin (the open-redirect defence).
 */
export function safeReturnTo(value: unknown, baseUrl: URL): string {
  if (typeof value !== 'string' || value.length > MAX_RETURN_TO_LENGTH) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || UNSAFE_CHARACTERS.test(value)) return '/';
  const resolved = new URL(value, baseUrl);
  if (resolved.origin !== baseUrl.origin) return '/';
  return resolved.pathname + resolved.search + resolved.hash;
}

/** `returnTo` with a query parameter added, keeping its own query and fragment. */
export function withQueryParam(returnTo: string, name: string, value: string): string {
  const url = new URL(returnTo, 'http://placeholder.invalid');
  url.searchParams.set(name, value);
  return url.pathname + url.search + url.hash;
}
