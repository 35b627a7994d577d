import { createHash, hkdfSync } from 'node:crypto';
import { EncryptJWT, errors, jwtDecrypt, type JWTPayload } from 'jose';

/** Why a sealed value could not be opened. */
export class SealError extends Error {
  override readonly name = 'SealError';
  constructor(readonly code: 'expired' | 'invalid') {
    super(code === 'expired' ? 'sealed value has expired' : 'sealed value is not valid');
  }
}

export interface Sealer {
  /** Encrypts and authenticates `payload` (JWE `dir` + `A256GCM`), with an expiry when `ttlSeconds` is given. */
  seal(payload: JWTPayload, ttlSeconds?: number): Promise<string>;
  /** Opens a value sealed with any of the configured secrets; throws {@link SealError}. */
  open<T extends JWTPayload>(sealed: string): Promise<T>;
}

interface Key {
  kid: string;
  bytes: Uint8Array;
}

/**
 * One sealer per purpose (transaction cookies, tokens at rest): each purpose gets
 * its own key derived from each secret with HKDF (RFC 5869), so a value sealed
 * for one purpose never opens as another. The first secret seals; all open, which
 * lets secrets rotate without logging everyone out.
 */
export function createSealer(secrets: readonly string[], purpose: string): Sealer {
  const keys: Key[] = secrets.map((secret) => {
    const bytes = new Uint8Array(hkdfSync('sha256', secret, 'bff-auth', purpose, 32));
    const kid = createHash('sha256').update(bytes).digest('base64url').slice(0, 12);
    return { kid, bytes };
  });
  const current = keys[0];
  if (!current) throw new Error('createSealer needs at least one secret');
  const byKid = new Map(keys.map((key) => [key.kid, key.bytes]));

  return {
    async seal(payload, ttlSeconds) {
      const jwt = new EncryptJWT(payload)
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: current.kid })
        .setIssuedAt();
      if (ttlSeconds !== undefined) jwt.setExpirationTime(`${ttlSeconds}s`);
      return jwt.encrypt(current.bytes);
    },
    async open<T extends JWTPayload>(sealed: string) {
      try {
        const { payload } = await jwtDecrypt(
          sealed,
          (header) => {
            const key = header.kid === undefined ? undefined : byKid.get(header.kid);
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
