import type { SessionResponse } from '../../shared/index.js';
import { startTestBffOnFreePort, type TestBff, type TestBffConfig } from './bff.js';
import { TestBrowser } from './browser.js';
import { fetchHeaders } from './dev-stack.js';
import { readFormPostPage } from '../../emulators/emulator-server.js';

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
  /** What the BFF was started with. */
  config: TestBffConfig;
  close: () => Promise<void>;
}

/**
 * How long a BFF waits for a provider that never answers, in a test of one ({@link onStackFor}).
 * The stacks' own `httpTimeoutMs` stays longer: the calls that do answer need room on a busy machine.
 */
export const HANG_TIMEOUT_MS = 100;
/**
 * The same, for a test whose own login must succeed on that BFF before the hang (an API call after
 * a login, a login after a failed one): with two suites running at once, a token exchange that
 * answered took longer than {@link HANG_TIMEOUT_MS}.
 */
export const HANG_AFTER_LOGIN_TIMEOUT_MS = 1000;
/**
 * The stacks' own `httpTimeoutMs`: long, because no test of a shared stack waits it out, and a
 * JWKS re-fetch on a machine running two suites at once took over a second (a `wrong-key` login
 * then ended as provider_unavailable instead of invalid_id_token).
 */
export const STACK_TIMEOUT_MS = 10_000;

/** A test identity provider behind a real BFF configured by `config` (its `httpTimeoutMs` {@link STACK_TIMEOUT_MS} unless it says otherwise). */
export async function startProviderStack<Idp extends TestIdentityProvider>(
  start: () => Promise<Idp>,
  config: (idp: Idp) => TestBffConfig,
): Promise<ProviderStack<Idp>> {
  const idp = await start();
  const bffConfig = { httpTimeoutMs: STACK_TIMEOUT_MS, ...config(idp) };
  const bff = await startTestBffOnFreePort(bffConfig);
  return {
    idp,
    bff,
    origin: bff.url,
    config: bffConfig,
    close: async () => {
      await bff.close();
      await idp.close();
    },
  };
}

/** Whether `behavior` makes an endpoint never answer, or stop halfway: only a timeout ends such a call. */
const hangs = (behavior: object) => Object.values(behavior).some((value) => value === 'hang' || value === 'stall-body');

/**
 * `test` on `stack`; when `behavior` makes an endpoint hang, on a BFF of its own instead, in front of
 * the same provider with the same config, that gives up after `timeoutMs`.
 */
export async function onStackFor<Idp extends TestIdentityProvider, T>(
  stack: ProviderStack<Idp>,
  behavior: object,
  test: (stack: ProviderStack<Idp>) => Promise<T>,
  timeoutMs = HANG_TIMEOUT_MS,
): Promise<T> {
  if (!hangs(behavior)) return test(stack);
  const config = { ...stack.config, httpTimeoutMs: timeoutMs };
  const bff = await startTestBffOnFreePort(config);
  try {
    return await test({ idp: stack.idp, bff, origin: bff.url, config, close: () => bff.close() });
  } finally {
    await bff.close();
  }
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
  // A redirect back, or a form_post page (emulators/emulator-server.ts) that the browser submits.
  const page = back.status === 200 ? await back.text() : '';
  const posted = readFormPostPage(page);
  const callbackUrl = posted?.action ?? back.headers.get('location') ?? '';
  if (!callbackUrl.startsWith(stack.origin)) throw new Error(`the provider did not send the browser back: ${back.status} ${page}`);
  const callback = posted ? await browser.post(callbackUrl, { body: posted.fields }) : await browser.get(callbackUrl);
  return { status: callback.status, authorizationUrl, callbackUrl, location: callback.headers.get('location') ?? '', browser };
}

/** What the SPA would read from `/auth/session` in that browser. */
export async function sessionIn(stack: Pick<ProviderStack<TestIdentityProvider>, 'origin'>, browser: TestBrowser): Promise<SessionResponse> {
  return (await browser.get(`${stack.origin}/auth/session`, { headers: fetchHeaders })).json() as Promise<SessionResponse>;
}
