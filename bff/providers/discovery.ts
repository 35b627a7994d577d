import * as oauth from 'oauth4webapi';
import { AuthBffError } from '../errors.js';
import { isAllowedEndpoint } from '../http/provider-fetch.js';

const REFRESH_AFTER_MS = 24 * 60 * 60 * 1000;
/** After a failed fetch, logins use the last good document (or fail at once) for this long before it is tried again. */
export const DISCOVERY_RETRY_AFTER_MS = 10_000;

/**
 * Every endpoint a discovery document names must pass the rule configured
 * endpoints pass (https, or http on loopback) before it is used: the browser is
 * sent to `authorization_endpoint` and `end_session_endpoint`, so a
 * `javascript:` or plain-http value there would run script in the app's origin
 * or leak the login. One bad endpoint refuses the whole document.
 */
function checkEndpoints(server: oauth.AuthorizationServer): oauth.AuthorizationServer {
  for (const [name, value] of Object.entries(server)) {
    if (!name.endsWith('_endpoint') && name !== 'jwks_uri') continue;
    if (typeof value !== 'string' || !URL.canParse(value) || !isAllowedEndpoint(new URL(value))) {
      throw new AuthBffError('provider_unavailable', `The provider's discovery document names an endpoint that is not https (${name}).`, {
        reason: 'discovery_insecure_endpoint',
      });
    }
  }
  return server;
}

/**
 * OpenID Connect Discovery (OIDC Discovery §4) with a cache: fetched on first
 * use (so the BFF starts while an issuer is down), kept for a day, and when a
 * refresh fails the last good document is used rather than failing logins. A
 * failure is remembered for a few seconds, so each login does not retry it.
 * `documentIssuer` is the issuer the document must name, where a platform's differs
 * from the address it is read at (Microsoft's multi-tenant template).
 */
export function cachedDiscovery(issuer: string, fetch: typeof globalThis.fetch, documentIssuer = issuer): () => Promise<oauth.AuthorizationServer> {
  const issuerUrl = new URL(issuer);
  let cached: { server: oauth.AuthorizationServer; fetchedAt: number } | undefined;
  let failed: { error: unknown; at: number } | undefined;
  let pending: Promise<oauth.AuthorizationServer> | undefined;

  const discover = async () => {
    try {
      const response = await oauth.discoveryRequest(issuerUrl, {
        algorithm: 'oidc',
        [oauth.customFetch]: fetch,
        [oauth.allowInsecureRequests]: true,
      });
      const server = checkEndpoints(await oauth.processDiscoveryResponse(new URL(documentIssuer), response));
      cached = { server, fetchedAt: Date.now() };
      failed = undefined;
      return server;
    } catch (error) {
      failed = { error, at: Date.now() };
      throw error;
    }
  };

  return async () => {
    const now = Date.now();
    if (cached && now - cached.fetchedAt < REFRESH_AFTER_MS) return cached.server;
    if (failed && now - failed.at < DISCOVERY_RETRY_AFTER_MS) {
      if (cached) return cached.server;
      throw failed.error;
    }
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
