import type { SessionResponse } from '../../../shared/index.js';
import { freePort, startTestBff, type TestBff, type TestBffConfig } from '../bff.js';
import { TestBrowser } from '../browser.js';
import { fetchHeaders } from '../dev-stack.js';
import type { EmulatorServer } from './emulator-server.js';

export interface EmulatorStack<Emulator extends EmulatorServer> {
  emulator: Emulator;
  bff: TestBff;
  /** The BFF's origin. */
  origin: string;
  close(): Promise<void>;
}

/** A platform emulator behind a real BFF configured by `config`, with a short `httpTimeoutMs`. */
export async function startEmulatorStack<Emulator extends EmulatorServer>(
  start: () => Promise<Emulator>,
  config: (emulator: Emulator) => TestBffConfig,
): Promise<EmulatorStack<Emulator>> {
  const emulator = await start();
  const port = await freePort();
  const bff = await startTestBff(port, { httpTimeoutMs: 1000, ...config(emulator) });
  return {
    emulator,
    bff,
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      await bff.close();
      await emulator.close();
    },
  };
}

/**
 * One login round trip at `provider` (the emulator decides at once): the
 * authorization URL the BFF sent the browser to, the callback URL the emulator
 * sent it back to, and where the callback finally sent it.
 */
export async function loginThrough(stack: EmulatorStack<EmulatorServer>, provider: string, browser = new TestBrowser(), returnTo = '/home') {
  const start = await browser.get(`${stack.origin}/auth/login/${provider}?returnTo=${encodeURIComponent(returnTo)}`);
  const authorizationUrl = start.headers.get('location') ?? '';
  if (!authorizationUrl.startsWith(stack.emulator.origin)) return { authorizationUrl, callbackUrl: undefined, location: authorizationUrl, browser };
  const back = await browser.get(authorizationUrl);
  const callbackUrl = back.headers.get('location') ?? '';
  if (!callbackUrl.startsWith(stack.origin)) throw new Error(`the emulator did not send the browser back: ${back.status} ${await back.text()}`);
  const callback = await browser.get(callbackUrl);
  return { authorizationUrl, callbackUrl, location: callback.headers.get('location') ?? '', browser };
}

/** What the SPA would read from `/auth/session` in that browser. */
export async function sessionIn(stack: EmulatorStack<EmulatorServer>, browser: TestBrowser): Promise<SessionResponse> {
  return (await browser.get(`${stack.origin}/auth/session`, { headers: fetchHeaders })).json() as Promise<SessionResponse>;
}
