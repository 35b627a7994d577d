import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { AuthErrorCode } from '../../../shared/index.js';
import { AuthBffError } from '../../errors.js';
import { isJsonObject, parseJson } from '../json-body.js';
import type { PlatformRequest } from '../engine/platform-spec.js';

/*
 * Alipay's gateway signatures (RSA2 = SHA256withRSA), for alipay.ts. Documents:
 * - SIGN: https://opendocs.alipay.com/common/02kf5q (自行实现签名)
 * - VERIFY: https://opendocs.alipay.com/common/02mse7 (自行实现验签)
 * - the official Node SDK, which does the same: https://github.com/alipay/alipay-sdk-nodejs-all (src/util.ts)
 */

/** The `code` of an answer that went well; any other is a refusal. */
export const GATEWAY_SUCCESS = '10000';

function parsed(parse: (pem: string) => KeyObject, pem: string): KeyObject | undefined {
  try {
    const key = parse(pem);
    return key.asymmetricKeyType === 'rsa' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** A PEM key (PKCS#1 or PKCS#8; SPKI), parsed once at start so that a bad one fails the config naming its field. */
const rsaKey = (parse: (pem: string) => KeyObject, what: string) =>
  z.string().transform((pem, context) => parsed(parse, pem) ?? (context.addIssue({ code: 'custom', message: `must be ${what} in PEM` }), z.NEVER));

export const rsaKeys = { privateKey: rsaKey(createPrivateKey, 'an RSA private key'), alipayPublicKey: rsaKey(createPublicKey, 'an RSA public key') };

/** SIGN: every parameter but `sign` and empty ones, sorted by name, `name=value` with raw values, joined by `&`. */
function signingText(params: Array<[string, string]>): string {
  const sorted = params.filter(([name, value]) => name !== 'sign' && value !== '').sort(([a], [b]) => (a < b ? -1 : 1));
  return sorted.map(([name, value]) => `${name}=${value}`).join('&');
}

/** SIGN: the signature goes into the query with the public parameters; the values are URL-encoded after signing. */
export function signRequest(request: PlatformRequest, { privateKey }: { privateKey: KeyObject }): PlatformRequest {
  const url = new URL(request.url);
  const params = [...url.searchParams, ...(request.body instanceof URLSearchParams ? request.body : [])];
  url.searchParams.set('sign', sign('sha256', Buffer.from(signingText(params)), privateKey).toString('base64'));
  return { ...request, url };
}

/** The text of the JSON object that opens at `start`, up to its matching brace (braces inside strings skipped). */
function objectTextAt(text: string, start: number): string | undefined {
  if (text[start] !== '{') return undefined;
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}' && (depth -= 1) === 0) return text.slice(start, index + 1);
  }
  return undefined;
}

/**
 * VERIFY: the answer is `{"<method, dots as underscores>_response": {...}, "sign": "..."}` (or
 * `error_response`); the signature covers that member's value exactly as sent, not a
 * re-serialization. Nothing in it is believed before the signature is. Whether every refusal
 * is signed is UNCONFIRMED, so an unsigned answer is believed only when it refuses.
 */
export function readSignedAnswer(text: string, request: PlatformRequest, { alipayPublicKey }: { alipayPublicKey: KeyObject }, failure: AuthErrorCode): unknown {
  const answer = parseJson(text);
  const method = request.url.searchParams.get('method') ?? '';
  const name = [`${method.replaceAll('.', '_')}_response`, 'error_response'].find((key) => isJsonObject(answer) && isJsonObject(answer[key]));
  if (!isJsonObject(answer) || name === undefined) return undefined;
  const content = answer[name] as Record<string, unknown>;
  if (typeof answer.sign !== 'string') {
    if (content.code !== undefined && String(content.code) !== GATEWAY_SUCCESS) return content;
    throw new AuthBffError(failure, "Alipay's answer is not signed.");
  }
  const member = new RegExp(`"${name}"\\s*:\\s*`).exec(text);
  const signed = member ? objectTextAt(text, member.index + member[0].length) : undefined;
  if (signed === undefined || !verify('sha256', Buffer.from(signed), alipayPublicKey, Buffer.from(answer.sign, 'base64'))) {
    throw new AuthBffError(failure, "Alipay's answer failed its signature check.");
  }
  return content;
}
