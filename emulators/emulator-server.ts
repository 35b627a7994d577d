/**
 * What the platform emulators share: a node:http server on 127.0.0.1 (port 0)
 * that records every request before its handler answers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJson } from '../bff/providers/json-body.js';

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string as sent, `?` included, to check parameter order. */
  search: string;
  query: Record<string, string>;
  /** A form-encoded body, decoded ({} for any other body). */
  body: Record<string, string>;
  /** A JSON body, parsed (undefined for any other body). */
  json: unknown;
  /** The body as sent. */
  text: string;
  headers: Record<string, string>;
}

/** How an endpoint can fail: 'status-500' answers a 500, 'hang' never answers, 'stall-body' sends headers and half a body. */
export type Outage = 'status-500' | 'hang' | 'stall-body';

export interface EmulatorServer {
  origin: string;
  requests: RecordedRequest[];
  close: () => Promise<void>;
}

export async function startEmulatorServer(handle: (request: RecordedRequest, res: ServerResponse) => void): Promise<EmulatorServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => record(req, res, url, Buffer.concat(chunks).toString('utf8')));
  });
  const record = (req: IncomingMessage, res: ServerResponse, url: URL, text: string) => {
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      search: url.search,
      query: Object.fromEntries(url.searchParams),
      body: /x-www-form-urlencoded/.test(req.headers['content-type'] ?? '') ? Object.fromEntries(new URLSearchParams(text)) : {},
      json: /json/.test(req.headers['content-type'] ?? '') ? parseJson(text) : undefined,
      text,
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
      ),
    };
    requests.push(recorded);
    handle(recorded, res);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': contentType, ...headers }).end(body);
}

/** Answers an outage the way `outage` names it. */
export function fail(res: ServerResponse, outage: Outage) {
  if (outage === 'status-500') send(res, 500, 'text/html', '<html><body>500 Internal Server Error</body></html>');
  if (outage === 'stall-body') res.writeHead(200, { 'content-type': 'application/json' }).write('{"access_token":"');
}

export function redirect(res: ServerResponse, location: URL) {
  res.writeHead(302, { location: location.href }).end();
}

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const unescapeHtml = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/** form_post (OAuth 2.0 Form Post Response Mode §2): a page that POSTs `params` to `action` once loaded. */
export function formPostPage(action: string, params: Record<string, string>): { type: string; body: string } {
  const inputs = Object.entries(params).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  return {
    type: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><title>Signing in</title></head><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(action)}">${inputs.join('')}</form></body></html>`,
  };
}

/** A {@link formPostPage} read back as a browser submits it: where, and what; undefined for any other page. */
export function readFormPostPage(html: string): { action: string; fields: URLSearchParams } | undefined {
  const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1];
  if (action === undefined) return undefined;
  const inputs = [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)];
  return { action: unescapeHtml(action), fields: new URLSearchParams(inputs.map(([, name = '', value = '']) => [unescapeHtml(name), unescapeHtml(value)])) };
}
