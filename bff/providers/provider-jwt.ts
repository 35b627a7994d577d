import { setTimeout as sleep } from 'node:timers/promises';
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  jwksCache,
  jwtVerify,
  type JWKSCacheInput,
  type JWTPayload,
  type JWTVerifyOptions,
} from 'jose';
import type { AuthorizationServer } from 'oauth4webapi';
import { AuthBffError } from '../errors.js';

/** An unknown `kid` re-fetches the JWKS at once, but at most once per this many ms per provider (docs/design.md). */
export const JWKS_REFETCH_COOLDOWN_MS = 5_000;
/** How far in the future an `iat` may be: the provider's clock may run a little ahead of ours. */
const CLOCK_SKEW_SECONDS = 60;

/** Asymmetric signing algorithms only: `none` and client-secret HMACs are refused. */
const ASYMMETRIC_ALGORITHMS = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;

interface ProviderKeys {
  uri: string;
  keys: ReturnType<typeof createRemoteJWKSet>;
  /** jose records here when it last fetched the JWKS (`uat`). */
  cache: JWKSCacheInput;
  refetch?: Promise<void>;
}

/**
 * A key the cached JWKS lacks, met inside the re-fetch cool-down (a rotation
 * right after the last fetch): wait out the rest of the cool-down and fetch
 * once, shared by every login waiting, so a legitimate user is not refused and
 * the cool-down still bounds the fetches.
 */
function refetchAfterCooldown(entry: ProviderKeys, cooldownMs: number): Promise<void> {
  entry.refetch ??= (async () => {
    const fetchedAt = 'uat' in entry.cache ? entry.cache.uat : 0;
    // At most one cool-down, even if the clock went back since the last fetch.
    const rest = Math.min(fetchedAt + cooldownMs - Date.now(), cooldownMs);
    if (rest > 0) await sleep(rest);
    await entry.keys.reload();
  })().finally(() => {
    entry.refetch = undefined;
  });
  return entry.refetch;
}

/** Checks jose leaves out: an `iat` in the future, and an `azp` naming another client (OIDC Core §3.1.3.7 step 5). */
function checkIssuedAtAndParty(payload: JWTPayload, clientId: string) {
  if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) {
    throw new errors.JWTClaimValidationFailed('"iat" claim timestamp check failed (it is in the future)', payload, 'iat', 'check_failed');
  }
  if (payload.azp !== undefined && payload.azp !== clientId) {
    throw new errors.JWTClaimValidationFailed('unexpected "azp" claim value', payload, 'azp', 'check_failed');
  }
}

/**
 * Verifies JWTs the provider signs (ID tokens, logout tokens) against its JWKS:
 * signature, issuer, audience, authorized party and issue time. For ID tokens
 * this is the part `oauth4webapi`'s `processAuthorizationCodeResponse` leaves to
 * the caller (OIDC Core §3.1.3.7, steps 4-7); it checks the other claims itself.
 * An unknown `kid` re-fetches the JWKS at most once per `cooldownMs`.
 */
export function createProviderJwtVerifier(fetch: typeof globalThis.fetch, timeoutMs: number, cooldownMs: number) {
  let jwks: ProviderKeys | undefined;

  return async (jwt: string, as: AuthorizationServer, clientId: string, options: JWTVerifyOptions = {}): Promise<JWTPayload> => {
    if (as.jwks_uri === undefined) throw new AuthBffError('invalid_id_token', 'The provider publishes no keys (jwks_uri).', { reason: 'jwks_uri_missing' });
    if (jwks?.uri !== as.jwks_uri) {
      const cache: JWKSCacheInput = {};
      jwks = {
        uri: as.jwks_uri,
        cache,
        keys: createRemoteJWKSet(new URL(as.jwks_uri), {
          timeoutDuration: timeoutMs,
          cooldownDuration: cooldownMs,
          [customFetch]: fetch,
          [jwksCache]: cache,
        }),
      };
    }
    const entry = jwks;
    const advertised = as.id_token_signing_alg_values_supported?.filter((alg) => ASYMMETRIC_ALGORITHMS.test(alg));
    const verify = () =>
      jwtVerify(jwt, entry.keys, { ...options, issuer: as.issuer, audience: clientId, algorithms: advertised?.length ? advertised : ['RS256'] });
    let verified: Awaited<ReturnType<typeof verify>>;
    try {
      verified = await verify();
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !entry.keys.coolingDown) throw error;
      await refetchAfterCooldown(entry, cooldownMs);
      verified = await verify();
    }
    checkIssuedAtAndParty(verified.payload, clientId);
    return verified.payload;
  };
}
