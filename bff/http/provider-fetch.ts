import type { IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { AuthBffError } from '../errors.js';
import { createKeepAliveCaller } from './keep-alive-call.js';

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

/** RFC 9110 §15: these answers have no content. */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/** What `fetch` would send when a call does not say. */
const DEFAULT_HEADERS = { accept: '*/*', 'user-agent': 'node' };

const DECODERS: Record<string, (body: Buffer, options: { maxOutputLength: number }) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

/** The request body as node:http writes it, and the content type `fetch` would give it. */
function bodyOf(body: BodyInit | null | undefined): { bytes?: string | Uint8Array; type?: string } {
  if (body === null || body === undefined) return {};
  if (typeof body === 'string') return { bytes: body, type: 'text/plain;charset=UTF-8' };
  if (body instanceof URLSearchParams) return { bytes: body.toString(), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
  if (body instanceof Uint8Array) return { bytes: body };
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body) };
  throw new TypeError('provider calls send a string, form or byte body');
}

/** The answer's body, decoded (gzip, deflate, br) and at most `maxBodyBytes` either way. */
function decoded(body: Buffer, encoding: string | undefined, maxBodyBytes: number): Buffer {
  if (encoding === undefined || encoding === 'identity') return body;
  const decode = DECODERS[encoding.toLowerCase()];
  if (!decode) throw new AuthBffError('provider_unavailable', `The provider's answer is in an unknown encoding.`, { reason: 'provider_body_encoding' });
  try {
    return decode(body, { maxOutputLength: maxBodyBytes });
  } catch (error) {
    if (error instanceof RangeError) throw tooLarge(maxBodyBytes);
    throw new AuthBffError('provider_unavailable', "The provider's answer could not be decoded.", { cause: error, reason: 'provider_body_encoding' });
  }
}

function toResponse(answer: IncomingMessage, body: Buffer): Response {
  const headers = new Headers();
  for (let index = 0; index < answer.rawHeaders.length; index += 2) headers.append(answer.rawHeaders[index] as string, answer.rawHeaders[index + 1] as string);
  const status = answer.statusCode as number;
  return new Response(NULL_BODY_STATUSES.has(status) ? null : (body as Uint8Array<ArrayBuffer>), { status, statusText: answer.statusMessage ?? '', headers });
}

/**
 * `fetch` for every call to a provider, on node:http keep-alive connections:
 * it refuses plain http off loopback (also for endpoints a discovery document
 * names), never follows a redirect, gives up after `timeoutMs` (the body read
 * included), reads at most `maxBodyBytes`, and turns network failures and 5xx
 * answers into `provider_unavailable`, so no login page hangs and no provider
 * outage reads as the user's fault. The answer comes back whole, as a `Response`.
 */
export function createProviderFetch(timeoutMs: number, maxBodyBytes = MAX_PROVIDER_BODY_BYTES): typeof fetch {
  const call = createKeepAliveCaller(timeoutMs);

  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (!isAllowedEndpoint(url)) {
      throw new AuthBffError('provider_unavailable', 'Refused to call a provider endpoint that is not https.', { reason: 'provider_insecure_endpoint' });
    }
    const { bytes, type } = bodyOf(init?.body);
    const headers: Record<string, string> = { ...DEFAULT_HEADERS, ...(type ? { 'content-type': type } : {}) };
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
    const signal = init?.signal;
    signal?.throwIfAborted();

    return call<Response>(url, { method: init?.method ?? 'GET', headers }, {
      send({ request, timeOut }) {
        signal?.addEventListener('abort', timeOut);
        request.once('close', () => signal?.removeEventListener('abort', timeOut));
        request.end(bytes);
      },
      answered({ fail, broken, resolve, reject }, answer) {
        if (Number(answer.headers['content-length'] ?? 0) > maxBodyBytes) return fail(tooLarge(maxBodyBytes));
        const chunks: Buffer[] = [];
        let read = 0;
        answer.on('error', broken);
        answer.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > maxBodyBytes) fail(tooLarge(maxBodyBytes));
          else chunks.push(chunk);
        });
        answer.on('end', () => {
          try {
            resolve(toResponse(answer, decoded(Buffer.concat(chunks, read), answer.headers['content-encoding'], maxBodyBytes)));
          } catch (error) {
            reject(error);
          }
        });
      },
    });
  };
}
