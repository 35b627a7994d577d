import { AuthBffError } from '../errors.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Discovery documents, JWKS, token and userinfo answers are a few kB; anything near this is not one. */
export const MAX_PROVIDER_BODY_BYTES = 1024 * 1024;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

/** Provider endpoints must be https; plain http only on loopback, for development, tests and emulators. */
export function isAllowedEndpoint(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

const tooLarge = (maxBodyBytes: number) =>
  new AuthBffError('provider_unavailable', `The provider's answer is larger than ${maxBodyBytes} bytes.`, { reason: 'provider_body_too_large' });

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** The response with its body cut off (the read fails) past `maxBodyBytes`, so a huge answer cannot exhaust memory. */
function bounded(response: Response, maxBodyBytes: number): Response {
  if (!response.body || maxBodyBytes === Number.POSITIVE_INFINITY || NULL_BODY_STATUSES.has(response.status)) return response;
  if (Number(response.headers.get('content-length') ?? 0) > maxBodyBytes) {
    void response.body.cancel();
    throw tooLarge(maxBodyBytes);
  }
  let read = 0;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > maxBodyBytes) controller.error(tooLarge(maxBodyBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * `fetch` for every call to a provider: it refuses plain http off loopback
 * (also for endpoints a discovery document names), gives up after `timeoutMs`
 * (the body read included, since the signal stays on the response), reads at
 * most `maxBodyBytes`, and turns network failures and 5xx answers into
 * `provider_unavailable`, so no login page hangs and no provider outage reads
 * as the user's fault. The API proxy streams its answers, unbounded.
 */
export function createProviderFetch(timeoutMs: number, maxBodyBytes = MAX_PROVIDER_BODY_BYTES): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (!isAllowedEndpoint(url)) {
      throw new AuthBffError('provider_unavailable', 'Refused to call a provider endpoint that is not https.', { reason: 'provider_insecure_endpoint' });
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
        { cause: error, reason: timeout.aborted ? 'provider_timeout' : 'provider_unreachable' },
      );
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      throw new AuthBffError('provider_unavailable', `The provider answered HTTP ${response.status}.`, { reason: `provider_http_${response.status}` });
    }
    return bounded(response, maxBodyBytes);
  };
}
