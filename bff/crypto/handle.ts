import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** Opaque names for values only the BFF may read back. */
export interface HandleCodec {
  /** The handle of `value` (a latin1 string): the same every time, for the same secrets. */
  seal: (value: string) => string;
  /** The value a handle was sealed from, with any of the secrets; undefined for anything else. */
  open: (handle: string) => string | undefined;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

interface Keys {
  mac: Buffer;
  enc: Buffer;
}

const syntheticIv = (mac: Buffer, plain: Buffer) => createHmac('sha256', mac).update(plain).digest().subarray(0, IV_BYTES);

/**
 * Deterministic authenticated encryption: the IV is an HMAC-SHA-256 of the
 * value (the synthetic IV of SIV, RFC 5297 §1.3.4), the cipher AES-256-GCM. A
 * value always gets the same handle, so a page can find the current session in a
 * list; a handle altered or made up opens to nothing. Two different values
 * share an IV only if their HMACs collide in 96 bits. Each purpose gets its own
 * keys from each secret (HKDF, RFC 5869); the first secret seals, all open.
 */
export function createHandleCodec(secrets: readonly string[], purpose: string): HandleCodec {
  const keys: Keys[] = secrets.map((secret) => ({
    mac: Buffer.from(hkdfSync('sha256', secret, 'bff-auth', `${purpose}:siv`, 32)),
    enc: Buffer.from(hkdfSync('sha256', secret, 'bff-auth', `${purpose}:enc`, 32)),
  }));
  const current = keys[0];
  if (!current) throw new Error('createHandleCodec needs at least one secret');

  return {
    seal(value) {
      const plain = Buffer.from(value, 'latin1');
      const iv = syntheticIv(current.mac, plain);
      const cipher = createCipheriv('aes-256-gcm', current.enc, iv);
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return sealed.toString('base64url');
    },

    open(handle) {
      if (!/^[A-Za-z0-9_-]{1,256}$/.test(handle)) return undefined;
      const bytes = Buffer.from(handle, 'base64url');
      // One handle per value: a last character whose unused low bits differ decodes to the same bytes.
      if (bytes.length <= IV_BYTES + TAG_BYTES || bytes.toString('base64url') !== handle) return undefined;
      const iv = bytes.subarray(0, IV_BYTES);
      const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
      for (const { mac, enc } of keys) {
        const decipher = createDecipheriv('aes-256-gcm', enc, iv).setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        let plain: Buffer;
        try {
          plain = Buffer.concat([decipher.update(body), decipher.final()]);
        } catch {
          continue;
        }
        if (timingSafeEqual(syntheticIv(mac, plain), iv)) return plain.toString('latin1');
      }
      return undefined;
    },
  };
}
