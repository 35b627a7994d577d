import { githubProviderType } from './github.js';
import { oauth2ProviderType } from './oauth2.js';
import { oidcProviderType } from './oidc.js';
import type { ProviderType } from './provider.js';
import { wechatProviderType } from './wechat.js';

/** Every built-in provider type, by its `type` in the config. */
export const PROVIDER_TYPES: ReadonlyMap<string, ProviderType> = new Map(
  [oidcProviderType, oauth2ProviderType, githubProviderType, wechatProviderType].map((providerType) => [
    providerType.type,
    providerType as ProviderType,
  ]),
);
