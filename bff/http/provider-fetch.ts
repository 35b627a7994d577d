import { AuthBffError } from '../errors.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

/** Provider endpoints must be https; plain http only on loopback, for development, tests and emulators. */
export function isAllowedEndpoint(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/**
 * `fetch` for every call to a provider: it refuses plain http off loopback
 * (also for endpoints a discovery document names), gives up after `timeoutMs`
 * (the body read included, since the signal stays on the response), and turns
 * network failures and 5xx answers into `provider_unavailable`, so no login page
 * hangs and no provider outage reads as the user's fault.
 */
export function createProviderFetch(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (!isAllowedEndpoint(url)) {
      throw new AuthBffError('provider_unavailable', 'Refused to call a provider endpoint that is not https.');
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal });
    } catch (error) {
      throw new AuthBffError(
        'provider_unavailable',
        timeout.aborted ? `The provider did not answer within ${timeoutMs} ms.` : 'The provider could not be reached.',
        { cause: error },
      );
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      throw new AuthBffError('provider_unavailable', `The provider answered HTTP ${response.status}.`);
    }
    return response;
  };
}
