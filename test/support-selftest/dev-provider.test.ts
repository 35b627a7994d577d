import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevProvider, type DevProvider } from '../../demo/dev-provider.js';
import { loginAtDevProvider, TestBrowser } from '../support/browser.js';

const client = {
  clientId: 'selftest-bff',
  clientSecret: 'selftest-secret',
  redirectUris: ['http://127.0.0.1:9/auth/callback/dev'],
};

describe('development provider', () => {
  let provider: DevProvider;
  beforeAll(async () => {
    provider = await startDevProvider({ clients: [client] });
  });
  afterAll(() => provider.close());

  it('advertises the iss parameter and PKCE S256', async () => {
    const discovery = await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({
      issuer: provider.issuer,
      authorization_response_iss_parameter_supported: true,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('refuses to start when NODE_ENV is production', async () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(startDevProvider({ clients: [client] })).rejects.toThrow(/must not run in production/);
    } finally {
      process.env.NODE_ENV = before;
    }
  });

  it('signs alice in through a full code flow with PKCE', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(`${provider.issuer}/auth`);
    authorize.search = new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: client.redirectUris[0]!,
      response_type: 'code',
      scope: 'openid profile email',
      state: 'state-123',
      nonce: 'nonce-456',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();

    const callback = new URL(
      await loginAtDevProvider(new TestBrowser(), authorize.href, 'Alice', (url) => url.pathname === '/auth/callback/dev'),
    );
    const code = callback.searchParams.get('code');
    expect(code).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe('state-123');
    expect(callback.searchParams.get('iss')).toBe(provider.issuer);
    expect(provider.issued).toContain(code);

    const response = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: client.redirectUris[0]!,
        code_verifier: verifier,
      }),
    });
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as { id_token: string; access_token: string; refresh_token?: string };
    expect(tokens.refresh_token).toBeTruthy();
    expect(provider.issued).toEqual(expect.arrayContaining([tokens.access_token, tokens.refresh_token]));
    const claims = decodeJwt(tokens.id_token);
    expect(claims).toMatchObject({ sub: 'alice', name: 'Alice', nonce: 'nonce-456', email: 'alice@example.test' });

    const avatar = await fetch(String(claims.picture));
    expect(avatar.headers.get('content-type')).toBe('image/svg+xml');
    expect(await avatar.text()).toContain('>A</text>');
  });
});
