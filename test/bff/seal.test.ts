import { createHash, hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { createHandleCodec } from '../../bff/crypto/handle.js';
import { createSealer, SealError } from '../../bff/crypto/seal.js';

const SECRET_A = 'seal-test-secret-A-0123456789-abcdefghij';
const SECRET_B = 'seal-test-secret-B-0123456789-abcdefghij';

afterEach(() => {
  vi.useRealTimers();
});

/** The SealError `opening` rejects with; fails the test when it opens or rejects with anything else. */
async function sealErrorOf(opening: Promise<unknown>): Promise<SealError> {
  const error = await opening.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(SealError);
  return error as SealError;
}

/**
 * Sealed with SECRET_A for 'tokens' by an earlier release of the sealer (jose,
 * key bytes imported on each use): token sets in Redis and cookies in browsers look like this.
 */
const SEALED_BY_JOSE =
  'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoiY1JpSkhOYVJHbDRnIn0..DvJon5yMEflAdAZr.aZ10gfrmlbRvarc6wAeDBtSXEUWVGkEP4hW9pNVuKUItHxQxGIm_ChDd_PdDDxAR7OOPqSA5-MnuLIdYZyKIxFIgYA_zX9xFdVs-U9cCDY330pCoetlLrFs.F3xKaN-bdVZW53kwsTkB2A';

/** The format's key and header for a secret and purpose, as the sealer documents them (HKDF, kid, `dir` + `A256GCM`). */
function formatKey(secret: string, purpose: string) {
  const key = new Uint8Array(hkdfSync('sha256', secret, 'bff-auth', purpose, 32));
  const kid = createHash('sha256').update(key).digest('base64url').slice(0, 12);
  return { key, header: { alg: 'dir', enc: 'A256GCM', kid } };
}

/** `sealed` with one character of its ciphertext or tag changed. */
function tamper(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const target = parts[part] ?? '';
  const index = Math.floor(target.length / 2);
  parts[part] = target.slice(0, index) + (target[index] === 'A' ? 'B' : 'A') + target.slice(index + 1);
  return parts.join('.');
}

describe('createSealer', () => {
  it('round-trips a payload, and the sealed text does not show it', async () => {
    const sealer = createSealer([SECRET_A], 'tokens');
    const payload = { access_token: 'at-very-secret-value', nested: { list: [1, 2, 3] } };
    const sealed = await sealer.seal(payload);
    expect(sealed.split('.')).toHaveLength(5); // compact JWE
    expect(sealed).not.toContain('at-very-secret-value');
    expect(Buffer.from(sealed.replaceAll('.', ''), 'base64url').toString('latin1')).not.toContain('at-very-secret-value');
    expect(await sealer.open(sealed)).toMatchObject(payload);
  });

  it('seals the same payload differently each time (fresh IV)', async () => {
    const sealer = createSealer([SECRET_A], 'tokens');
    expect(await sealer.seal({ a: 1 })).not.toBe(await sealer.seal({ a: 1 }));
  });

  it('opens a value sealed with the old secret after rotation ([B, A]) and seals new values with B', async () => {
    const old = createSealer([SECRET_A], 'tokens');
    const rotated = createSealer([SECRET_B, SECRET_A], 'tokens');
    const sealedBefore = await old.seal({ user: 'alice' });
    expect(await rotated.open(sealedBefore)).toMatchObject({ user: 'alice' });

    const sealedAfter = await rotated.seal({ user: 'bob' });
    expect(await createSealer([SECRET_B], 'tokens').open(sealedAfter)).toMatchObject({ user: 'bob' });
    expect((await sealErrorOf(old.open(sealedAfter))).code).toBe('invalid');
  });

  it('does not open a value once its secret is dropped ([B] only)', async () => {
    const sealed = await createSealer([SECRET_A], 'tokens').seal({ user: 'alice' });
    const error = await sealErrorOf(createSealer([SECRET_B], 'tokens').open(sealed));
    expect(error.code).toBe('invalid');
  });

  it('rejects a tampered value as invalid, wherever it was changed', async () => {
    const sealer = createSealer([SECRET_A], 'tokens');
    const sealed = await sealer.seal({ user: 'alice', admin: false });
    for (const part of [0, 2, 3, 4]) {
      const error = await sealErrorOf(sealer.open(tamper(sealed, part)));
      expect(error.code, `part ${part}`).toBe('invalid');
    }
    for (const garbage of ['', 'not-a-jwe', 'a.b.c.d.e', `${sealed}x`]) {
      expect((await sealErrorOf(sealer.open(garbage))).code, JSON.stringify(garbage)).toBe('invalid');
    }
  });

  it('rejects an expired value as expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const sealer = createSealer([SECRET_A], 'transactions');
    const sealed = await sealer.seal({ state: 's' }, 600);

    vi.setSystemTime(new Date('2030-01-01T00:09:00Z'));
    expect(await sealer.open(sealed)).toMatchObject({ state: 's' });

    vi.setSystemTime(new Date('2030-01-01T00:10:01Z'));
    const error = await sealErrorOf(sealer.open(sealed));
    expect(error.code).toBe('expired');
    expect(error.message).toBe('sealed value has expired');
  });

  it('a value without a ttl does not expire', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const sealer = createSealer([SECRET_A], 'tokens');
    const sealed = await sealer.seal({ user: 'alice' });
    vi.setSystemTime(new Date('2031-01-01T00:00:00Z'));
    expect(await sealer.open(sealed)).toMatchObject({ user: 'alice' });
  });

  it('a value sealed for one purpose does not open as another, with the same secret', async () => {
    const sealed = await createSealer([SECRET_A], 'tokens').seal({ access_token: 'x' });
    const error = await sealErrorOf(createSealer([SECRET_A], 'transactions').open(sealed));
    expect(error.code).toBe('invalid');
  });

  it('opens values sealed before, by jose, so no session or login in flight is lost by the upgrade', async () => {
    expect(await createSealer([SECRET_A], 'tokens').open(SEALED_BY_JOSE)).toMatchObject({
      access_token: 'at-sealed-by-jose',
      refresh_token: 'rt-sealed-by-jose',
    });
    expect((await sealErrorOf(createSealer([SECRET_B], 'tokens').open(SEALED_BY_JOSE))).code).toBe('invalid');
  });

  it('writes standard compact JWE (dir, A256GCM) that jose opens, with iat and exp', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const sealed = await createSealer([SECRET_A], 'transactions').seal({ state: 's' }, 600);
    const { key, header } = formatKey(SECRET_A, 'transactions');
    const { payload, protectedHeader } = await jwtDecrypt(sealed, key);
    expect(protectedHeader).toEqual(header);
    expect(payload).toEqual({ state: 's', iat: 1_893_456_000, exp: 1_893_456_600 });
  });

  it('accepts only the protected header it writes, even with the right key', async () => {
    const { key, header } = formatKey(SECRET_A, 'tokens');
    const sealer = createSealer([SECRET_A], 'tokens');
    expect(await sealer.open(await new EncryptJWT({ user: 'alice' }).setProtectedHeader(header).encrypt(key))).toMatchObject({ user: 'alice' });
    for (const extra of [{ typ: 'JWT' }, { cty: 'JWT' }, { zip: 'DEF' }, { enc: 'A128GCM' }]) {
      const sealed = await new EncryptJWT({ user: 'alice' }).setProtectedHeader({ ...header, ...extra }).encrypt(key.subarray(0, extra.enc ? 16 : 32));
      expect((await sealErrorOf(sealer.open(sealed))).code, JSON.stringify(extra)).toBe('invalid');
    }
  });

  it('refuses to be created without a secret', () => {
    expect(() => createSealer([], 'tokens')).toThrow(/at least one secret/);
  });
});

describe('createHandleCodec (session handles)', () => {
  const codec = createHandleCodec([SECRET_A], 'session-handles');
  const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 64 });

  it('seals any latin1 value to the same handle every time, which opens to the value', () => {
    fc.assert(
      fc.property(latin1, (value) => {
        const handle = codec.seal(value);
        expect(handle).toBe(codec.seal(value));
        expect(handle).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(codec.open(handle)).toBe(value);
      }),
    );
  });

  it('opens nothing from a handle changed anywhere, cut short or lengthened', () => {
    fc.assert(
      fc.property(latin1, fc.nat(), fc.integer({ min: 1, max: 255 }), (value, at, flip) => {
        const bytes = Buffer.from(codec.seal(value), 'base64url');
        const changed = Buffer.from(bytes);
        const index = at % changed.length;
        changed[index] = (changed[index] ?? 0) ^ flip;
        expect(codec.open(changed.toString('base64url'))).toBeUndefined();
        expect(codec.open(bytes.subarray(0, bytes.length - 1).toString('base64url'))).toBeUndefined();
        expect(codec.open(Buffer.concat([bytes, Buffer.from([flip])]).toString('base64url'))).toBeUndefined();
      }),
    );
    expect(codec.open('')).toBeUndefined();
    expect(codec.open('a'.repeat(300))).toBeUndefined();
  });

  it('keeps opening handles sealed under a secret that rotated to second place; another purpose or secret opens none', () => {
    const handle = codec.seal('store-key');
    expect(createHandleCodec([SECRET_B, SECRET_A], 'session-handles').open(handle)).toBe('store-key');
    expect(createHandleCodec([SECRET_B, SECRET_A], 'session-handles').seal('store-key')).not.toBe(handle);
    expect(createHandleCodec([SECRET_B], 'session-handles').open(handle)).toBeUndefined();
    expect(createHandleCodec([SECRET_A], 'other-purpose').open(handle)).toBeUndefined();
  });
});
