import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { AuthBffError } from '../errors.js';
import { createKeepAliveCaller } from '../http/keep-alive-call.js';
import { isAllowedEndpoint } from '../http/provider-fetch.js';

export interface UpstreamCall {
  url: URL;
  headers: OutgoingHttpHeaders;
  /** The browser's request: its method, and its body (if any), streamed through. */
  from: IncomingMessage;
  /** The browser's response: when the browser goes away, the upstream call is dropped too. */
  to: ServerResponse;
}

const bodyTooLarge = (maxBodyBytes: number) =>
  new AuthBffError('invalid_request', `The request body is larger than ${maxBodyBytes} bytes.`, { reason: 'proxy_body_too_large' });

/** Whether the request has a body (RFC 9112 §6.3: a Content-Length or a Transfer-Encoding says so). */
function hasBody(headers: IncomingMessage['headers']): boolean {
  const length = headers['content-length'];
  return length === undefined ? headers['transfer-encoding'] !== undefined : length !== '0';
}

/**
 * Calls one upstream API over keep-alive connections (node:http, streaming
 * both ways, request bodies up to `maxBodyBytes`): it resolves with the
 * upstream's response once its head arrives, with a 5xx, a network failure or
 * `timeoutMs` as `provider_unavailable`. The timeout covers the whole exchange,
 * the response body included: past it the call is destroyed, and so is a
 * browser response still streaming it. Redirects are never followed (node:http
 * does not), so the token goes nowhere but `url`.
 */
export function createUpstreamCaller(timeoutMs: number, maxBodyBytes: number) {
  const call = createKeepAliveCaller(timeoutMs, 'The API');

  return async ({ url, headers, from, to }: UpstreamCall): Promise<IncomingMessage> => {
    if (!isAllowedEndpoint(url)) {
      throw new AuthBffError('provider_unavailable', 'Refused to call an API that is not https.', { reason: 'provider_insecure_endpoint' });
    }
    const body = hasBody(from.headers);
    if (body && Number(from.headers['content-length'] ?? 0) > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);
    if (body && headers['content-length'] === undefined) headers['transfer-encoding'] = 'chunked';

    return call<IncomingMessage>(url, { method: from.method, headers, streamsBody: body }, {
      send({ request, fail }) {
        to.once('close', () => {
          if (!to.writableFinished) request.destroy();
        });
        if (!body) return request.end();
        // node's parser holds a body to its Content-Length, checked above: only a chunked one is counted.
        if (from.headers['content-length'] === undefined) {
          let read = 0;
          from.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read <= maxBodyBytes) return;
            from.unpipe(request);
            fail(bodyTooLarge(maxBodyBytes));
          });
        }
        from.pipe(request);
      },
      answered: ({ resolve }, response) => resolve(response),
    });
  };
}
