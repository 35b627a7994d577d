import { createCipheriv, createDecipheriv, createHash, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';

/** Why a sealed value could not be opened. */
export class SealError extends Error {
  override readonly name = 'SealError';
  constructor(readonly code: 'expired' | 'invalid') {
    super(code === 'expired' ? 'sealed value has expired' : 'sealed value is not valid');
  }
}

/** The claims of a sealed value (a JWT's, RFC 7519 §4.1: `iat` and `exp` are set by the sealer). */
export interface SealedClaims {
  iat?: number;
  exp?: number;
  [claim: string]: unknown;
}

export interface Sealer {
  /** Encrypts and authenticates `payload` (a JWT in compact JWE, `dir` + `A256GCM`), with an expiry when `ttlSeconds` is given. */
  seal(payload: SealedClaims, ttlSeconds?: number): Promise<string>;
  /** Opens a value sealed with any of the configured secrets; throws {@link SealError}. */
  open<T extends SealedClaims>(sealed: string): Promise<T>;
}

interface Key {
  /** The base64url protected header naming this key. */
  header: string;
  /** The same as bytes: the value's additional authenticated data (RFC 7516 §5.1, step 14). */
  aad: Buffer;
  secret: KeyObject;
}

/** A compact JWE with no encrypted key (`dir`), a 96-bit IV and a 128-bit tag (RFC 7518 §5.3): header..iv.ciphertext.tag */
const COMPACT_DIR_A256GCM = /^([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;

const epochSeconds = () => Math.floor(Date.now() / 1000);

/**
 * One sealer per purpose (transaction cookies, tokens at rest): each purpose gets
 * its own key derived from each secret with HKDF (RFC 5869), so a value sealed
 * for one purpose never opens as another. The first secret seals; all open, which
 * lets secrets rotate without logging everyone out.
 *
 * The values are JWTs in compact JWE with `dir` and `A256GCM` (RFC 7516, RFC 7518
 * §5.3), as `jose` writes and reads them, but sealed and opened with node:crypto
 * and keys imported once: on every login and proxied call this is several times
 * cheaper than `jose`'s WebCrypto path, which imports the key on each use. Only
 * the exact protected header this sealer writes is accepted (no other `alg`,
 * `enc`, `zip` or `crit` can get in), and it is authenticated as the AAD.
 */
export function createSealer(secrets: readonly string[], purpose: string): Sealer {
  const keys: Key[] = secrets.map((secret) => {
    const bytes = hkdfSync('sha256', secret, 'bff-auth', purpose, 32);
    const kid = createHash('sha256').update(new Uint8Array(bytes)).digest('base64url').slice(0, 12);
    const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid })).toString('base64url');
    return { header, aad: Buffer.from(header, 'latin1'), secret: createSecretKey(new Uint8Array(bytes)) };
  });
  const current = keys[0];
  if (!current) throw new Error('createSealer needs at least one secret');
  const byHeader = new Map(keys.map((key) => [key.header, key]));

  return {
    async seal(payload, ttlSeconds) {
      const iat = epochSeconds();
      const claims = { ...payload, iat, ...(ttlSeconds === undefined ? {} : { exp: iat + ttlSeconds }) };
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.secret, iv);
      cipher.setAAD(current.aad);
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(claims), 'utf8'), cipher.final()]);
      return `${current.header}..${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
    },

    async open<T extends SealedClaims>(sealed: string) {
      const [, header = '', iv = '', ciphertext = '', tag = ''] = COMPACT_DIR_A256GCM.exec(sealed) ?? [];
      const key = byHeader.get(header);
      if (!key) throw new SealError('invalid');
      let claims: unknown;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.secret, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
        decipher.setAAD(key.aad);
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        claims = JSON.parse(Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8'));
      } catch {
        throw new SealError('invalid');
      }
      if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new SealError('invalid');
      const { exp, iat } = claims as SealedClaims;
      if ((exp !== undefined && typeof exp !== 'number') || (iat !== undefined && typeof iat !== 'number')) throw new SealError('invalid');
      // RFC 7519 §4.1.4: not accepted on or after its expiry.
      if (exp !== undefined && exp <= epochSeconds()) throw new SealError('expired');
      return claims as T;
    },
  };
}
