import { TestBrowser } from './browser.js';
import { freePort, startTestBff, type TestBff, type TestBffConfig } from './bff.js';
import { startHostileProvider, type HostileProvider } from './hostile-provider.js';

export interface HostileStack {
  idp: HostileProvider;
  bff: TestBff;
  origin: string;
  close(): Promise<void>;
}

/** The hostile test provider behind a BFF as the `oidc` provider `bad`, with a short `httpTimeoutMs`. */
export async function startHostileStack(overrides: (idp: HostileProvider) => Partial<TestBffConfig> = () => ({})): Promise<HostileStack> {
  const idp = await startHostileProvider();
  const port = await freePort();
  const bff = await startTestBff(port, {
    httpTimeoutMs: 1000,
    providers: [{ id: 'bad', type: 'oidc', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }],
    ...overrides(idp),
  });
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
 * One login round trip (the hostile provider approves at once): resolves with
 * where the callback sent the browser, and the callback's status.
 */
export async function loginThrough(stack: HostileStack, browser = new TestBrowser(), returnTo = '/home') {
  const start = await browser.get(`${stack.origin}/auth/login/bad?returnTo=${encodeURIComponent(returnTo)}`);
  const authorize = start.headers.get('location') ?? '';
  if (!authorize.startsWith(stack.idp.issuer)) return { status: start.status, location: authorize, browser };
  const back = await browser.get(authorize);
  const callbackUrl = back.headers.get('location') ?? '';
  const callback = await browser.get(callbackUrl);
  return { status: callback.status, location: callback.headers.get('location') ?? '', browser, callbackUrl };
}
