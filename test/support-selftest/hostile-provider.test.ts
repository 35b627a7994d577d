import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHostileProvider, type HostileProvider } from '../support/hostile-provider.js';

const redirectUri = 'http://127.0.0.1:9/auth/callback/hostile';

describe('hostile provider', () => {
  let provider: HostileProvider;
  beforeAll(async () => {
    provider = await startHostileProvider();
  });
  beforeEach(() => provider.reset());
  afterAll(() => provider.close());

  /** Runs /authorize and returns the code from the redirect back. */
  async function authorize(verifier: string): Promise<string> {
    const url = new URL(`${provider.issuer}/authorize`);
    url.search = new URLSearchParams({
      client_id: provider.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      state: 'state-1',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const back = new URL(response.headers.get('location')!);
    expect(back.searchParams.get('iss')).toBe(provider.issuer);
    return back.searchParams.get('code')!;
  }

  function exchange(code: string, verifier: string): Promise<Response> {
    return fetch(`${provider.issuer}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        client_id: provider.clientId,
        client_secret: provider.clientSecret,
      }),
    });
  }

  it('refuses the code when told to, and when the PKCE verifier is wrong', async () => {
    const verifier = randomBytes(32).toString('base64url');

    provider.behave({ token: 'invalid_grant' });
    const told = await exchange(await authorize(verifier), verifier);
    expect(told.status).toBe(400);
    expect(await told.json()).toMatchObject({ error: 'invalid_grant' });

    provider.reset();
    const wrongVerifier = await exchange(await authorize(verifier), randomBytes(32).toString('base64url'));
    expect(wrongVerifier.status).toBe(400);
    expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant' });

    const right = await exchange(await authorize(verifier), verifier);
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ token_type: 'Bearer', id_token: expect.any(String) });
  });

  it('publishes only the new key after rotateKey', async () => {
    const kids = async () =>
      ((await (await fetch(`${provider.issuer}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
    const before = await kids();
    await provider.rotateKey();
    const after = await kids();
    expect(before).toHaveLength(1);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    expect(provider.requests.filter((request) => request.path === '/jwks')).toHaveLength(2);
  });
});
