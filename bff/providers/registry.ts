import { oauth2ProviderType } from './oauth2.js';
import { oidcProviderType } from './oidc.js';
import type { ProviderType } from './provider.js';

/** Every built-in provider type, by its `type` in the config. */
export const PROVIDER_TYPES: ReadonlyMap<string, ProviderType> = new Map(
  [oidcProviderType, oauth2ProviderType].map((providerType) => [providerType.type, providerType as ProviderType]),
);
