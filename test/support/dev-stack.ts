import { startDevProvider, type DevProvider } from '../../demo/dev-provider.js';
import { loginAtDevProvider, type TestBrowser } from './browser.js';
import { freePort, startTestBff, TEST_JWKS_COOLDOWN_MS, type TestBff, type TestBffConfig } from './bff.js';

export const DEV_CLIENT = { clientId: 'bff-auth-test', clientSecret: 'dev-client-secret-for-tests-0123456789' };

export interface DevStack {
  dev: DevProvider;
  bff: TestBff;
  /** The BFF's origin, e.g. http://127.0.0.1:PORT */
  origin: string;
  close: () => Promise<void>;
}

/** The development OpenID Provider and a BFF with one `oidc` provider, `dev`, pointing at it. */
export async function startDevStack(overrides: Partial<TestBffConfig> = {}): Promise<DevStack> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dev = await startDevProvider({
    clients: [
      {
        ...DEV_CLIENT,
        redirectUris: [`${origin}/auth/callback/dev`],
        postLogoutRedirectUris: [`${origin}/`],
        backchannelLogoutUri: `${origin}/auth/backchannel-logout/dev`,
      },
    ],
  });
  const bff = await startTestBff(port, {
    providers: [{ id: 'dev', type: 'oidc', name: 'Development', issuer: dev.issuer, ...DEV_CLIENT, jwksRefetchCooldownMs: TEST_JWKS_COOLDOWN_MS }],
    ...overrides,
  });
  return {
    dev,
    bff,
    origin,
    close: async () => {
      await bff.close();
      await dev.close();
    },
  };
}

/**
 * Logs `username` in through the BFF: the login route, the provider's login
 * page, then the callback. Resolves with the callback's response (a 302).
 */
export async function login(browser: TestBrowser, stack: DevStack, username = 'alice', returnTo = '/'): Promise<Response> {
  const start = await browser.get(`${stack.origin}/auth/login/dev?returnTo=${encodeURIComponent(returnTo)}`);
  const authorizationUrl = start.headers.get('location');
  if (start.status !== 302 || !authorizationUrl) throw new Error(`login did not redirect: ${start.status}`);
  const callbackUrl = await loginAtDevProvider(browser, authorizationUrl, username, (url) => url.origin === stack.origin);
  return browser.get(callbackUrl);
}

export const fetchHeaders = { 'x-csrf': '1' };
