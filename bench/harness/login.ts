import { TestBrowser } from '../../test/support/browser.js';
import { PROVIDER_ID } from '../servers/common.js';

/**
 * Logs in at the BFF on `origin` through the test provider (which approves at
 * once), as a browser would, and resolves with its session cookie as a Cookie header.
 */
export async function logIn(origin: string): Promise<string> {
  const browser = new TestBrowser();
  const { response } = await browser.follow(`${origin}/auth/login/${PROVIDER_ID}?returnTo=/home`, {
    stopAt: (url) => url.origin === origin && url.pathname === '/home',
  });
  const location = response.headers.get('location') ?? '';
  const cookie = browser.cookies(origin).find((candidate) => candidate.name.endsWith('bff-auth'));
  if (!location.endsWith('/home') || !cookie) throw new Error(`the login failed: ${response.status} ${location}`);
  return `${cookie.name}=${cookie.value}`;
}
