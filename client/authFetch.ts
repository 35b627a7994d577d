import { useAuthContext } from './context.js';
import { csrfFetch } from './request.js';
import { sessionInvalidators } from './sessionInvalidators.js';

/**
 * fetch for same-origin API calls through the BFF: sends the session cookie and `x-csrf: 1`, and a 401
 * makes every AuthProvider re-read the session. Rejects with an AuthClientError: `invalid_request` for
 * another origin (nothing is sent), `network_error` when the server cannot be reached.
 */
export async function authFetch(url: string | URL, init?: RequestInit): Promise<Response> {
  const response = await csrfFetch(url, init);
  if (response.status === 401) sessionInvalidators.forEach((invalidate) => invalidate());
  return response;
}

/** authFetch, for components; it insists on an AuthProvider, since that is what a 401 refreshes. */
export function useAuthFetch(): typeof authFetch {
  useAuthContext();
  return authFetch;
}
