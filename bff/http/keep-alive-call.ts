import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AuthBffError } from '../errors.js';

/** One call in flight, for the code that sends its body and reads its answer. */
export interface Call<T> {
  request: ClientRequest;
  /** Ends the call with `error`: the first failure given is the one the call rejects with. */
  fail: (error: AuthBffError) => void;
  /** Ends the call as one that did not answer in time. */
  timeOut: () => void;
  /** The `error` listener for the request and its response: rejects with the failure given, else as unreachable. */
  broken: (error: Error) => void;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * How long an idle connection is kept for the next call. node's Agent also drops one a second
 * before a server's `Keep-Alive: timeout=N` hint, but only when it has a timeout of its own
 * (`Agent#keepSocketAlive`); node's own servers close idle connections after 5 s.
 */
export const IDLE_CONNECTION_MS = 4_000;

/** How long before a server's `Keep-Alive: timeout=N` hint an idle connection is dropped: node's Agent's margin. */
export const IDLE_HINT_MARGIN_MS = 1_000;

/**
 * Methods sent again, once, when a reused connection closes before any answer: the server closed
 * it as idle while the request was on its way (RFC 9112 §9.3.1; idempotent methods, RFC 9110 §9.2.2).
 */
export const RETRIED_METHODS = new Set(['GET', 'HEAD']);

/**
 * Calls to a provider over keep-alive connections (node:http, one agent per
 * scheme) in which every way of failing is `provider_unavailable`: no answer
 * within `timeoutMs` (the body read included), a network failure, a 5xx
 * answer. `send` writes the request (again, for a GET or HEAD sent again: see
 * {@link RETRIED_METHODS}); `answered` gets an answer under 500 and settles the
 * call. Redirects are never followed (node:http does not).
 */
export function createKeepAliveCaller(timeoutMs: number) {
  const agentOptions = { keepAlive: true, timeout: IDLE_CONNECTION_MS };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };

  return <T>(
    url: URL,
    options: { method?: string; headers: OutgoingHttpHeaders },
    handlers: { send: (call: Call<T>) => void; answered: (call: Call<T>, response: IncomingMessage) => void },
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const secure = url.protocol === 'https:';
      let request: ClientRequest;
      let failure: AuthBffError | undefined;
      const fail = (error: AuthBffError) => {
        failure ??= error;
        request.destroy(error);
      };
      const timeOut = () => fail(new AuthBffError('provider_unavailable', `The provider did not answer within ${timeoutMs} ms.`, { reason: 'provider_timeout' }));
      const timer = setTimeout(timeOut, timeoutMs);

      const attempt = (mayRetry: boolean) => {
        const sent = (secure ? httpsRequest : httpRequest)(url, { ...options, agent: secure ? agents.https : agents.http });
        request = sent;
        let answered = false;
        // The timeout runs on while a retry (the request now) is under way.
        sent.once('close', () => {
          if (request === sent) clearTimeout(timer);
        });
        const broken = (error: Error) => {
          if (mayRetry && !answered && failure === undefined && sent.reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') return attempt(false);
          reject(failure ?? new AuthBffError('provider_unavailable', 'The provider could not be reached.', { cause: error, reason: 'provider_unreachable' }));
        };
        sent.on('error', broken);
        const call: Call<T> = { request: sent, fail, timeOut, broken, resolve, reject };
        sent.once('response', (response) => {
          answered = true;
          const status = response.statusCode as number;
          if (status < 500) return handlers.answered(call, response);
          response.resume();
          reject(new AuthBffError('provider_unavailable', `The provider answered HTTP ${status}.`, { reason: `provider_http_${status}` }));
        });
        handlers.send(call);
      };
      attempt(RETRIED_METHODS.has((options.method ?? 'GET').toUpperCase()));
    });
}
