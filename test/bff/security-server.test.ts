/**
 * Issue #8, items 10 and 11: the standalone server's security headers (helmet)
 * and its request timeouts, so a client trickling a body cannot hold a
 * connection open.
 */
import { connect } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_TIMEOUTS, listen } from '../../bff/server/listen.js';
import { startTestBffOnFreePort, type TestBff, type TestBffConfig } from '../support/bff.js';
import { fetchHeaders } from '../support/dev-stack.js';

const PROVIDERS = [{ id: 'gh', type: 'github' as const, clientId: 'a', clientSecret: 'b' }];

describe('security headers', () => {
  let bff: TestBff;
  beforeAll(async () => {
    bff = await startTestBffOnFreePort({ providers: PROVIDERS, apis: [{ path: '/api/gh', provider: 'gh', target: 'https://api.github.com' }] });
  });
  afterAll(() => bff.close());

  it('sends the same security headers on the routes answered ahead of Express (the session check, the API proxy) as on the others', async () => {
    const SECURITY_HEADERS = ['content-security-policy', 'x-frame-options', 'referrer-policy', 'x-content-type-options', 'cross-origin-opener-policy'];
    const headersOf = async (path: string) => {
      const { headers } = await fetch(`${bff.url}${path}`, { headers: fetchHeaders });
      return Object.fromEntries(SECURITY_HEADERS.map((name) => [name, headers.get(name)]));
    };
    const expected = await headersOf('/auth/providers');
    expect(expected['x-frame-options']).toBe('DENY');
    expect(await headersOf('/auth/session')).toEqual(expected);
    expect(await headersOf('/api/gh/user')).toEqual(expected);
  });

  it('sends a CSP with frame-ancestors none, X-Frame-Options DENY and strict-origin-when-cross-origin; no HSTS on http', async () => {
    const response = await fetch(`${bff.url}/auth/providers`, { headers: fetchHeaders });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toBeNull();
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('keeps no-referrer on the callback, whose URL carries the code', async () => {
    const response = await fetch(`${bff.url}/auth/callback/gh?code=x&state=${'A'.repeat(32)}`, { redirect: 'manual' });
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('configured headers', () => {
  const servers: TestBff[] = [];
  afterAll(() => Promise.all(servers.map((server) => server.close())));
  const start = async (config: Partial<TestBffConfig>) => {
    const server = await startTestBffOnFreePort({ providers: PROVIDERS, ...config });
    servers.push(server);
    return fetch(`${server.url}/auth/providers`, { headers: fetchHeaders });
  };

  it('sends HSTS and upgrade-insecure-requests when baseUrl is https', async () => {
    const response = await start({ baseUrl: 'https://app.example.test' });
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    expect(response.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  it('merges configured CSP directives over the defaults, or sends none', async () => {
    const merged = await start({ server: { contentSecurityPolicy: { 'img-src': ["'self'", 'https://avatars.example'] } } });
    const csp = merged.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("img-src 'self' https://avatars.example");
    expect(csp).toContain("frame-ancestors 'none'");
    const none = await start({ server: { contentSecurityPolicy: false } });
    expect(none.headers.get('content-security-policy')).toBeNull();
    expect(none.headers.get('x-frame-options')).toBe('DENY');
  });

  const frameSrc = (response: Response) => /(?:^|;)\s*frame-src ([^;]*)/.exec(response.headers.get('content-security-policy') ?? '')?.[1];
  const wechat = { id: 'wechat', type: 'wechat' as const, clientId: 'wx1', clientSecret: 's' };

  it("allows exactly the wechat entry's QR page origin in frame-src, its authorization endpoint override included", async () => {
    expect(frameSrc(await start({ providers: [...PROVIDERS, wechat] }))).toBe('https://open.weixin.qq.com');
    const overridden = { ...wechat, endpoints: { authorization: 'https://qr.example.test:8443/connect/qrconnect' } };
    expect(frameSrc(await start({ providers: [overridden] }))).toBe('https://qr.example.test:8443');
  });

  it('has no frame-src without an embeddable provider (default-src self then governs frames), and a configured one wins', async () => {
    expect(frameSrc(await start({}))).toBeUndefined();
    const configured = await start({ providers: [wechat], server: { contentSecurityPolicy: { 'frame-src': ["'none'"] } } });
    expect(frameSrc(configured)).toBe("'none'");
  });
});

describe('request timeouts', () => {
  it('the standalone server bounds how long headers and a request may take to arrive', async () => {
    const bff = await startTestBffOnFreePort({ providers: PROVIDERS });
    try {
      expect(bff.server.headersTimeout).toBe(DEFAULT_REQUEST_TIMEOUTS.headersTimeoutMs);
      expect(bff.server.requestTimeout).toBe(DEFAULT_REQUEST_TIMEOUTS.requestTimeoutMs);
      expect(DEFAULT_REQUEST_TIMEOUTS.requestTimeoutMs).toBeLessThanOrEqual(60_000);
      // Idle keep-alive connections outlive a load balancer's (60 s on an AWS ALB), which would otherwise answer 502 now and then (found by the soak).
      expect(bff.server.keepAliveTimeout).toBeGreaterThan(60_000);
    } finally {
      await bff.close();
    }
  });

  it('a body trickled a byte at a time is cut off with 408 once the request timeout passes', async () => {
    const app = express().post('/upload', express.text({ type: () => true }), (_req, res) => {
      res.send('accepted');
    });
    const server = await listen(app, { timeouts: { headersTimeoutMs: 200, requestTimeoutMs: 300 } }, async () => {});
    try {
      const { port } = new URL(server.url);
      const socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n');
      // 100 bytes, one every 50 ms: 5 s to send it all, far longer than the 300 ms request timeout.
      const trickle = setInterval(() => socket.writable && socket.write('x'), 50);
      await closed;
      clearInterval(trickle);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(answer).not.toContain('accepted');
    } finally {
      await server.close();
    }
  });
});
