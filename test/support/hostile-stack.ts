import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createAuthBff, silentLogger } from '../../bff/index.js';
import type { ProviderConfig } from '../../bff/providers/registry.js';
import { startHostileProvider, type HostileProvider } from './hostile-provider.js';
import { behindTlsProxy, startTestBffOnFreePort, TEST_JWKS_COOLDOWN_MS, TEST_SECRET, UNTHROTTLED, type TestBffConfig } from './bff.js';
import { startBffProcess, type BffProcess } from './bff-process.js';
import { startProviderStack, type ProviderStack } from './provider-stack.js';

export type HostileStack = ProviderStack<HostileProvider>;
/** A hostile stack whose BFF is not a `TestBff` of its own but a router behind {@link behindTlsProxy}. */
export type TlsHostileStack = Omit<HostileStack, 'bff' | 'config'>;

/** The hostile provider as the `oidc` provider `bad`, with `entry`'s fields on top. */
export const asProviderBad = (idp: HostileProvider, entry: Partial<Extract<ProviderConfig, { type: 'oidc' }>> = {}): TestBffConfig => ({
  providers: [
    { id: 'bad', type: 'oidc', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, jwksRefetchCooldownMs: TEST_JWKS_COOLDOWN_MS, ...entry },
  ],
});

/** The hostile test provider behind a BFF as the `oidc` provider `bad`. */
export function startHostileStack(overrides: (idp: HostileProvider) => Partial<TestBffConfig> = () => ({})): Promise<HostileStack> {
  return startProviderStack(startHostileProvider, (idp) => ({ ...asProviderBad(idp), ...overrides(idp) }));
}

/**
 * A fresh BFF in front of an already running hostile provider, as `bad`, so that nothing it
 * cached from an earlier case hides the provider's answer. `close` closes the BFF only.
 */
export async function startBffInFrontOf(idp: HostileProvider, overrides: Partial<TestBffConfig> = {}): Promise<HostileStack> {
  const config = { ...asProviderBad(idp), ...overrides };
  const bff = await startTestBffOnFreePort(config);
  return { idp, bff, origin: bff.url, config, close: () => bff.close() };
}

/**
 * {@link startBffInFrontOf} as a standalone server in its own process (bff-process.ts), for tests
 * that kill or restart it: its config file is written to `dir` as `name.json`, the secret passed
 * through the environment. `stop` stops the process only.
 */
export function startBffProcessInFrontOf(idp: HostileProvider, dir: string, name: string, port: number, overrides: Record<string, unknown> = {}): Promise<BffProcess> {
  const config = { baseUrl: `http://127.0.0.1:${port}`, secrets: ['${TEST_SECRET_VAR}'], httpTimeoutMs: 5000, ...asProviderBad(idp), ...overrides };
  return startBffProcess(dir, name, port, config, { TEST_SECRET_VAR: TEST_SECRET });
}

/**
 * The hostile test provider behind a BFF that believes it is `publicOrigin` (https) as it runs behind a
 * TLS-terminating proxy ({@link behindTlsProxy}); `origin` is where requests reach it on loopback.
 */
export async function startHostileStackBehindTls(publicOrigin: string, overrides: Partial<TestBffConfig> = {}): Promise<TlsHostileStack> {
  const idp = await startHostileProvider();
  const auth = createAuthBff({
    baseUrl: publicOrigin,
    secrets: [TEST_SECRET],
    logger: silentLogger,
    rateLimit: UNTHROTTLED,
    ...asProviderBad(idp),
    ...overrides,
  });
  const server = behindTlsProxy(auth.router, publicOrigin).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    idp,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await auth.close();
      await idp.close();
    },
  };
}
