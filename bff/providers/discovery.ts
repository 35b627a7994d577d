import * as oauth from 'oauth4webapi';

const REFRESH_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * OpenID Connect Discovery (OIDC Discovery §4) with a cache: fetched on first
 * use (so the BFF starts while an issuer is down), kept for a day, and when a
 * refresh fails the last good document is used rather than failing logins.
 */
export function cachedDiscovery(issuer: string, fetch: typeof globalThis.fetch): () => Promise<oauth.AuthorizationServer> {
  const issuerUrl = new URL(issuer);
  let cached: { server: oauth.AuthorizationServer; fetchedAt: number } | undefined;
  let pending: Promise<oauth.AuthorizationServer> | undefined;

  const discover = async () => {
    const response = await oauth.discoveryRequest(issuerUrl, {
      algorithm: 'oidc',
      [oauth.customFetch]: fetch,
      [oauth.allowInsecureRequests]: true,
    });
    const server = await oauth.processDiscoveryResponse(issuerUrl, response);
    cached = { server, fetchedAt: Date.now() };
    return server;
  };

  return async () => {
    if (cached && Date.now() - cached.fetchedAt < REFRESH_AFTER_MS) return cached.server;
    pending ??= discover().finally(() => {
      pending = undefined;
    });
    try {
      return await pending;
    } catch (error) {
      if (cached) return cached.server;
      throw error;
    }
  };
}
