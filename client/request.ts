import { CSRF_HEADER, CSRF_HEADER_VALUE, isAuthErrorCode, type ErrorResponse } from '../shared/index.js';
import { AuthClientError } from './errors.js';

/**
 * fetch with the BFF's CSRF header and the session cookie. Refuses other origins,
 * so the header and cookie never go anywhere but our own BFF. A request that never
 * gets an answer rejects with `network_error`; the caller's own abort stays an AbortError.
 */
export async function csrfFetch(url: string | URL, init?: RequestInit): Promise<Response> {
  if (new URL(url, location.href).origin !== location.origin) {
    throw new AuthClientError('invalid_request', 'Cross-origin URL');
  }
  const headers = new Headers(init?.headers);
  headers.set(CSRF_HEADER, CSRF_HEADER_VALUE);
  try {
    return await fetch(url, { ...init, headers, credentials: 'same-origin' });
  } catch (cause) {
    if (init?.signal?.aborted) throw cause;
    throw new AuthClientError('network_error', "The app's server is not answering.", { cause });
  }
}

/** Calls a BFF JSON route; failures reject with an AuthClientError. */
export async function requestJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await csrfFetch(url, { cache: 'no-store', ...init });
  const body = (await response.json().catch(() => undefined)) as Partial<ErrorResponse> | undefined;
  if (response.ok && body) return body as T;
  throw new AuthClientError(isAuthErrorCode(body?.error) ? body.error : 'internal_error', body?.message ?? `HTTP ${response.status}`);
}
