import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { AuthBffError } from '../errors.js';
import { IDLE_CONNECTION_MS, IDLE_HINT_MARGIN_MS, RETRIED_METHODS } from '../http/keep-alive-call.js';
import { isAllowedEndpoint } from '../http/provider-fetch.js';

export interface UpstreamCall {
  url: URL;
  headers: Record<string, string | string[]>;
  /** The browser's request: its method, and its body (if any), streamed through. */
  from: IncomingMessage;
  /** The browser's response: the answer is streamed into it; when the browser goes away, the upstream call is dropped too. */
  to: ServerResponse;
  /** The browser's response headers for an upstream answer under 500, from the upstream's. */
  head: (upstreamHeaders: IncomingHttpHeaders) => OutgoingHttpHeaders;
}

/** What undici reports when a connection closed or reset under a request. */
const CLOSED_CONNECTION_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);

const bodyTooLarge = (maxBodyBytes: number) =>
  new AuthBffError('invalid_request', `The request body is larger than ${maxBodyBytes} bytes.`, { reason: 'proxy_body_too_large' });

/** Whether the request has a body (RFC 9112 §6.3: a Content-Length or a Transfer-Encoding says so). */
function hasBody(headers: IncomingMessage['headers']): boolean {
  const length = headers['content-length'];
  return length === undefined ? headers['transfer-encoding'] !== undefined : length !== '0';
}

/**
 * The browser's body as undici sends it. A body that has all arrived (as a
 * small one has by the time the session is read) goes whole, as one buffer: a
 * stream costs a proxied POST more than the rest of its work, mostly in
 * garbage collection (`bench/RESULTS.md`). Any other streams through a stream
 * of its own, so that undici destroying it when a call ends early leaves the
 * browser's request, and the answer still owed to it, alone; it fails past
 * `maxBodyBytes` (node's parser holds a body to its Content-Length, which the
 * caller has checked; a chunked one is counted here).
 */
function bodyOf(from: IncomingMessage, maxBodyBytes: number): Buffer | Transform {
  if (from.readableLength >= Number(from.headers['content-length'])) {
    const whole = from.read() as Buffer;
    // Lets the request end, as a request whose body was read to the end does.
    from.resume();
    return whole;
  }
  let read = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      read += chunk.length;
      done(read > maxBodyBytes ? bodyTooLarge(maxBodyBytes) : null, chunk);
    },
  });
  return from.pipe(counted);
}

/**
 * Calls one upstream API over keep-alive connections (undici, streaming both
 * ways, request bodies up to `maxBodyBytes`) and streams its answer into the
 * browser's response under the head `head` gives. It resolves once that head
 * is written; before that, a 5xx, a network failure or `timeoutMs` rejects it
 * as `provider_unavailable`. The timeout covers the whole exchange, the
 * response body included: past it the call is dropped, and so is a browser
 * response still streaming it. Connections follow the provider calls' rules
 * (idle at most 4 s, a GET or HEAD without a body sent again once when its
 * connection closes before any answer). Redirects are never followed (undici's
 * dispatch does not), so the token goes nowhere but `url`.
 */
export function createUpstreamCaller(timeoutMs: number, maxBodyBytes: number) {
  const agent = new Agent({ keepAliveTimeout: IDLE_CONNECTION_MS, keepAliveTimeoutThreshold: IDLE_HINT_MARGIN_MS, connect: { timeout: timeoutMs } });

  return ({ url, headers, from, to, head }: UpstreamCall): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (!isAllowedEndpoint(url)) {
        throw new AuthBffError('provider_unavailable', 'Refused to call an API that is not https.', { reason: 'provider_insecure_endpoint' });
      }
      const method = from.method as Dispatcher.HttpMethod;
      const streamsBody = hasBody(from.headers);
      if (streamsBody && Number(from.headers['content-length'] ?? 0) > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);
      const body = streamsBody ? bodyOf(from, maxBodyBytes) : null;

      let controller: Dispatcher.DispatchController | undefined;
      // Why this side ended the call, if it did: the timeout, or the browser gone.
      let ended: Error | undefined;
      let headWritten = false;
      const end = (reason: Error) => {
        ended ??= reason;
        controller?.abort(ended);
      };
      const timer = setTimeout(() => {
        const late = new AuthBffError('provider_unavailable', `The API did not answer within ${timeoutMs} ms.`, { reason: 'provider_timeout' });
        reject(late);
        end(late);
      }, timeoutMs);
      to.once('close', () => {
        if (!to.writableFinished) end(new Error('The browser went away.'));
      });

      const attempt = (mayRetry: boolean) => {
        let answered = false;
        agent.dispatch(
          { origin: url.origin, path: url.pathname + url.search, method, headers, body },
          {
            onRequestStart(started) {
              controller = started;
              if (ended) started.abort(ended);
            },
            onResponseStart(started, status, upstreamHeaders) {
              // An interim answer (103 Early Hints) is not passed on; the final one follows it.
              if (status < 200) return;
              answered = true;
              // A 5xx is refused; its body, never written, is read to the end, keeping the connection.
              if (status >= 500) return reject(new AuthBffError('provider_unavailable', `The API answered HTTP ${status}.`, { reason: `provider_http_${status}` }));
              to.writeHead(status, head(upstreamHeaders));
              headWritten = true;
              resolve();
            },
            onResponseData(started, chunk) {
              if (headWritten && !to.write(chunk)) {
                started.pause();
                to.once('drain', () => started.resume());
              }
            },
            onResponseEnd() {
              clearTimeout(timer);
              if (headWritten) to.end();
            },
            onResponseError(_started, error) {
              const closed = CLOSED_CONNECTION_CODES.has((error as NodeJS.ErrnoException).code ?? '');
              if (mayRetry && closed && !answered && ended === undefined) return attempt(false);
              clearTimeout(timer);
              if (headWritten) return void to.destroy();
              reject(error instanceof AuthBffError ? error : new AuthBffError('provider_unavailable', 'The API could not be reached.', { cause: error, reason: 'provider_unreachable' }));
            },
          },
        );
      };
      attempt(!streamsBody && RETRIED_METHODS.has(method));
    });
}
