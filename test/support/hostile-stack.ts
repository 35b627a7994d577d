import { startHostileProvider, type HostileProvider } from './hostile-provider.js';
import type { TestBffConfig } from './bff.js';
import { startProviderStack, type ProviderStack } from './provider-stack.js';

export type HostileStack = ProviderStack<HostileProvider>;

/** The hostile test provider behind a BFF as the `oidc` provider `bad`. */
export function startHostileStack(overrides: (idp: HostileProvider) => Partial<TestBffConfig> = () => ({})): Promise<HostileStack> {
  return startProviderStack(startHostileProvider, (idp) => ({
    providers: [{ id: 'bad', type: 'oidc', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }],
    ...overrides(idp),
  }));
}
