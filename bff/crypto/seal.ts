import { createHash, hkdfSync } from 'node:crypto';
import { EncryptJWT, errors, jwtDecrypt, type CryptoKey, type JWEHeaderParameters, type JWTPayload } from 'jose';

/** Why a sealed value could not be opened. */
export class SealError extends Error {
  override readonly name = 'SealError';
  constructor(readonly code: 'expired' | 'invalid') {
    super(code === 'expired' ? 'sealed value has expired' : 'sealed value is not valid');
  }
}

/** The claims of a sealed value (a JWT's, RFC 7519 §4.1: `iat` and `exp` are set by the sealer). */
export type SealedClaims = JWTPayload;

export interface Sealer {
  /** Encrypts and authenticates `payload` (a JWT in compact JWE, `dir` + `A256GCM`), with an expiry when `ttlSeconds` is given. */
  seal: (payload: SealedClaims, ttlSeconds?: number) => Promise<string>;
  /** Opens a value sealed with any of the configured secrets; throws {@link SealError}. */
  open: <T extends SealedClaims>(sealed: string) => Promise<T>;
}

interface Key {
  kid: string;
  /** Imported once: given key bytes, jose would import them again on every use. */
  secret: Promise<CryptoKey>;
}

/** Only the exact protected header this sealer writes is accepted: no `typ`, `cty`, `zip` or `crit` can get in. */
const isSealerHeader = (header: JWEHeaderParameters) => Object.keys(header).length === 3 && header.alg === 'dir' && header.enc === 'A256GCM';

/**
 * One sealer per purpose (transaction cookies, tokens at rest): each purpose gets
 * its own key derived from each secret with HKDF (RFC 5869), so a value sealed
 * for one purpose never opens as another. The first secret seals; all open, which
 * lets secrets rotate without logging everyone out. The values are JWTs in
 * compact JWE with `dir` and `A256GCM` (RFC 7516, RFC 7518 §5.3), sealed and
 * opened by `jose`.
 */
export function createSealer(secrets: readonly string[], purpose: string): Sealer {
  const keys: Key[] = secrets.map((secret) => {
    const bytes = new Uint8Array(hkdfSync('sha256', secret, 'bff-auth', purpose, 32));
    const kid = createHash('sha256').update(bytes).digest('base64url').slice(0, 12);
    return { kid, secret: crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']) };
  });
  const current = keys[0];
  if (!current) throw new Error('createSealer needs at least one secret');
  const byKid = new Map(keys.map((key) => [key.kid, key.secret]));

  return {
    async seal(payload, ttlSeconds) {
      const jwt = new EncryptJWT(payload).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: current.kid }).setIssuedAt();
      if (ttlSeconds !== undefined) jwt.setExpirationTime(`${ttlSeconds}s`);
      return jwt.encrypt(await current.secret);
    },

    async open<T extends SealedClaims>(sealed: string) {
      try {
        const { payload } = await jwtDecrypt(
          sealed,
          (header) => {
            const key = isSealerHeader(header) && header.kid !== undefined ? byKid.get(header.kid) : undefined;
            if (!key) throw new SealError('invalid');
            return key;
          },
          { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] },
        );
        return payload as T;
      } catch (error) {
        throw new SealError(error instanceof errors.JWTExpired ? 'expired' : 'invalid');
      }
    },
  };
}
