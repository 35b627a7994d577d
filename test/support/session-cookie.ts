import { expect } from 'vitest';
import { TestBrowser } from './browser.js';
import { fetchHeaders } from './dev-stack.js';
import { loginThrough, type ProviderStack, type TestIdentityProvider } from './provider-stack.js';

/** Headers of a fetch carrying only this session cookie, as a second tab or a replayed cookie would send it. */
export const withSessionCookie = (cookie: string) => ({ ...fetchHeaders, cookie: `bff-auth=${cookie}` });

/** `GET /auth/session?slide=false` with only this cookie: its status and body. */
export async function sessionWithCookie(origin: string, cookie: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${origin}/auth/session?slide=false`, { headers: withSessionCookie(cookie), signal: AbortSignal.timeout(15_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A successful login at the provider `bad` (landing on `/home`); resolves with the session cookie's value. */
export async function loginForCookie(stack: Pick<ProviderStack<TestIdentityProvider>, 'idp' | 'origin'>, browser = new TestBrowser()): Promise<string> {
  const { location } = await loginThrough(stack, 'bad', browser);
  expect(location).toBe('/home');
  const cookie = browser.cookies(stack.origin).find((entry) => entry.name === 'bff-auth')?.value;
  expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return cookie!;
}
