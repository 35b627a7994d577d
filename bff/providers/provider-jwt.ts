import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { AuthorizationServer } from 'oauth4webapi';

/** An unknown `kid` re-fetches the JWKS at once, but at most once per this many ms per provider (docs/design.md). */
const JWKS_REFETCH_COOLDOWN_MS = 5_000;

/** Asymmetric signing algorithms only: `none` and client-secret HMACs are refused. */
const ASYMMETRIC_ALGORITHMS = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;

/**
 * Verifies JWTs the provider signs (ID tokens, logout tokens) against its JWKS:
 * signature, issuer and audience. For ID tokens this is the part `oauth4webapi`'s
 * `processAuthorizationCodeResponse` leaves to the caller (OIDC Core §3.1.3.7,
 * steps 6-7); it checks the other claims itself.
 */
export function createProviderJwtVerifier(fetch: typeof globalThis.fetch, timeoutMs: number) {
  let jwks: { uri: string; keys: ReturnType<typeof createRemoteJWKSet> } | undefined;

  return async (jwt: string, as: AuthorizationServer, clientId: string, options: JWTVerifyOptions = {}): Promise<JWTPayload> => {
    if (as.jwks_uri === undefined) throw new Error('the provider publishes no jwks_uri');
    if (jwks?.uri !== as.jwks_uri) {
      jwks = {
        uri: as.jwks_uri,
        keys: createRemoteJWKSet(new URL(as.jwks_uri), {
          timeoutDuration: timeoutMs,
          cooldownDuration: JWKS_REFETCH_COOLDOWN_MS,
          [customFetch]: fetch,
        }),
      };
    }
    const advertised = as.id_token_signing_alg_values_supported?.filter((alg) => ASYMMETRIC_ALGORITHMS.test(alg));
    const { payload } = await jwtVerify(jwt, jwks.keys, {
      ...options,
      issuer: as.issuer,
      audience: clientId,
      algorithms: advertised?.length ? advertised : ['RS256'],
    });
    return payload;
  };
}
