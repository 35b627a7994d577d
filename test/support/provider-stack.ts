import type { SessionResponse } from '../../shared/index.js';
import { freePort, startTestBff, type TestBff, type TestBffConfig } from './bff.js';
import { TestBrowser } from './browser.js';
import { fetchHeaders } from './dev-stack.js';

/** A test identity provider that approves at once: the hostile provider or a platform emulator. */
export interface TestIdentityProvider {
  origin: string;
  close: () => Promise<void>;
}

export interface ProviderStack<Idp extends TestIdentityProvider> {
  idp: Idp;
  bff: TestBff;
  /** The BFF's origin. */
  origin: string;
  close: () => Promise<void>;
}

/** A test identity provider behind a real BFF configured by `config`, with a short `httpTimeoutMs`. */
export async function startProviderStack<Idp extends TestIdentityProvider>(
  start: () => Promise<Idp>,
  config: (idp: Idp) => TestBffConfig,
): Promise<ProviderStack<Idp>> {
  const idp = await start();
  const port = await freePort();
  const bff = await startTestBff(port, { httpTimeoutMs: 1000, ...config(idp) });
  return {
    idp,
    bff,
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      await bff.close();
      await idp.close();
    },
  };
}

/**
 * One login round trip at `provider` (the identity provider decides at once):
 * the authorization URL the BFF sent the browser to, the callback URL the
 * provider sent it back to, and the status and location of the callback's answer.
 * When the login route answers without going to the provider, that answer.
 */
export async function loginThrough(stack: Pick<ProviderStack<TestIdentityProvider>, 'idp' | 'origin'>, provider: string, browser = new TestBrowser(), returnTo = '/home') {
  const start = await browser.get(`${stack.origin}/auth/login/${provider}?returnTo=${encodeURIComponent(returnTo)}`);
  const authorizationUrl = start.headers.get('location') ?? '';
  if (!authorizationUrl.startsWith(stack.idp.origin)) {
    return { status: start.status, authorizationUrl, callbackUrl: undefined, location: authorizationUrl, browser };
  }
  const back = await browser.get(authorizationUrl);
  const callbackUrl = back.headers.get('location') ?? '';
  if (!callbackUrl.startsWith(stack.origin)) throw new Error(`the provider did not send the browser back: ${back.status} ${await back.text()}`);
  const callback = await browser.get(callbackUrl);
  return { status: callback.status, authorizationUrl, callbackUrl, location: callback.headers.get('location') ?? '', browser };
}

/** What the SPA would read from `/auth/session` in that browser. */
export async function sessionIn(stack: Pick<ProviderStack<TestIdentityProvider>, 'origin'>, browser: TestBrowser): Promise<SessionResponse> {
  return (await browser.get(`${stack.origin}/auth/session`, { headers: fetchHeaders })).json() as Promise<SessionResponse>;
}
