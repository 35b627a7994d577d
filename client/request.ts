import { CSRF_HEADER, CSRF_HEADER_VALUE, isAuthErrorCode } from '../shared/index.js';
import type { AuthClientError } from './errors.js';

/**
 * fetch with the BFF's CSRF header and the session cookie. Refuses other origins,
 * so the header and cookie never go anywhere but our own BFF.
 */
export async function csrfFetch(url: string | URL, init?: RequestInit): Promise<Response> {
  if (new URL(url, location.href).origin !== location.origin) throw new TypeError('authFetch: cross-origin URL');
  const headers = new Headers(init?.headers);
  headers.set(CSRF_HEADER, CSRF_HEADER_VALUE);
  return fetch(url, { ...init, headers, credentials: 'same-origin' });
}

/** Calls a BFF JSON route; failures reject with an AuthClientError. */
export async function requestJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await csrfFetch(url, { cache: 'no-store', ...init }).catch((cause: unknown) => {
    throw { code: 'provider_unavailable', message: String(cause) } satisfies AuthClientError;
  });
  const body = await response.json().catch(() => undefined);
  if (response.ok && body) return body as T;
  throw {
    code: isAuthErrorCode(body?.error) ? body.error : 'internal_error',
    message: body?.message ?? `HTTP ${response.status}`,
  } satisfies AuthClientError;
}
