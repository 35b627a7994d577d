import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.js';
import { fetchHeaders, login, startDevStack, type DevStack } from '../support/dev-stack.js';

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack();
});
afterAll(() => stack.close());

describe('login against a real OpenID Provider (oidc-provider)', () => {
  it('walks code -> token -> id -> info and answers the normalized user, with no token anywhere', async () => {
    const browser = new TestBrowser();
    const callback = await login(browser, stack, 'alice', '/dashboard?tab=1#top');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/dashboard?tab=1#top');

    const response = await browser.get(`${stack.origin}/auth/session`, { headers: fetchHeaders });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    const body = JSON.parse(text);
    expect(body).toEqual({
      authenticated: true,
      provider: 'dev',
      expiresAt: expect.any(Number),
      user: {
        id: 'dev:alice',
        provider: 'dev',
        providerUserId: 'alice',
        name: 'Alice',
        username: 'alice',
        email: 'alice@example.test',
        emailVerified: true,
        avatarUrl: `${stack.dev.issuer}/avatar/alice.svg`,
        locale: 'en',
      },
    });
    for (const secret of stack.dev.issued) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/token|eyJ/i);
  });
});
