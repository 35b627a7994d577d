/**
 * A login opened on another name for the app's host (http://127.0.0.1:PORT while baseUrl is
 * http://localhost:PORT) would set its transaction cookie where the provider never returns, and
 * end in invalid_state. The login route sends it to baseUrl's host first, once.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestBff, type TestBff } from '../support/bff.js';

const PROVIDER = {
  id: 'corp',
  type: 'oauth2' as const,
  clientId: 'app',
  clientSecret: 'secret',
  endpoints: { authorization: 'http://127.0.0.1:9/authorize', token: 'http://127.0.0.1:9/token', userinfo: 'http://127.0.0.1:9/userinfo' },
};

let bff: TestBff;
let port: number;
/** A BFF whose baseUrl is public https, reached on loopback through a TLS-terminating proxy. */
let proxied: TestBff;
let proxiedPort: number;

/** A GET to the BFF (listening on 127.0.0.1) with the Host header a browser on `host` would send. */
function get(
  host: string,
  path: string,
  to = port,
  headers: Record<string, string> = {},
): Promise<{ status: number; location?: string; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: to, path, headers: { ...headers, host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location, cookies: res.headers['set-cookie'] ?? [] });
    })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  port = await freePort();
  bff = await startTestBff(port, { baseUrl: `http://localhost:${port}`, providers: [PROVIDER] });
  proxiedPort = await freePort();
  proxied = await startTestBff(proxiedPort, { baseUrl: 'https://app.example.test', providers: [PROVIDER], server: { trustProxy: 'loopback' } });
});

afterAll(async () => {
  await bff.close();
  await proxied.close();
});

describe('a login opened on another host than baseUrl', () => {
  it("is sent to the same path on baseUrl's host before any cookie is set ", async () => {
    const answer = await get(`127.0.0.1:${port}`, '/auth/login/corp?returnTo=%2Forders%3Fid%3D7');
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`http://localhost:${port}/auth/login/corp?returnTo=%2Forders%3Fid%3D7&hostRedirected=1`);
    expect(answer.cookies).toEqual([]);
  });

  it("then starts on baseUrl's host: to the provider, with the transaction cookie", async () => {
    const answer = await get(`localhost:${port}`, '/auth/login/corp?returnTo=%2Forders&hostRedirected=1');
    expect(answer.status).toBe(302);
    expect(new URL(answer.location!).origin).toBe('http://127.0.0.1:9');
    expect(answer.cookies.some((cookie) => cookie.startsWith('bff-auth.tx.'))).toBe(true);
  });

  it('is not redirected on baseUrl\'s host, whatever the letter case', async () => {
    const answer = await get(`LocalHost:${port}`, '/auth/login/corp');
    expect(new URL(answer.location!).origin).toBe('http://127.0.0.1:9');
  });

  it('cannot loop behind a proxy that rewrites Host: the second arrival starts the login, with a warning', async () => {
    const first = await get(`127.0.0.1:${port}`, '/auth/login/corp');
    const second = await get(`127.0.0.1:${port}`, new URL(first.location!).pathname + new URL(first.location!).search);
    expect(new URL(second.location!).origin).toBe('http://127.0.0.1:9');
    expect(bff.logs.lines).toContainEqual(expect.objectContaining({ level: 'warn', event: 'login.host_mismatch', host: `127.0.0.1:${port}` }));
  });

  it('keeps the redirect on baseUrl\'s origin whatever the path looks like', async () => {
    const answer = await get(`127.0.0.1:${port}`, '/auth/login/corp?returnTo=//evil.example/');
    expect(new URL(answer.location!).origin).toBe(`http://localhost:${port}`);
  });

  it('starts at once behind a TLS-terminating proxy that names the public host (X-Forwarded-Host, trust proxy)', async () => {
    const answer = await get(`127.0.0.1:${proxiedPort}`, '/auth/login/corp', proxiedPort, { 'x-forwarded-host': 'app.example.test' });
    expect(new URL(answer.location!).origin).toBe('http://127.0.0.1:9');
    expect(answer.cookies.some((cookie) => cookie.startsWith('__Host-bff-auth.tx.'))).toBe(true);
  });
});
