import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { AuthErrorCode } from '../../../shared/index.js';
import { AuthBffError } from '../../errors.js';
import { isJsonObject, parseJson } from '../json-body.js';
import { topLevelMembers } from '../json-members.js';
import type { PlatformRequest } from '../engine/platform-spec.js';
import type { EntryProblem } from '../registration.js';

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

/** Which kind of RSA key a PEM holds; a private key parses as a public one too, so it is tried first. */
function kindOf(pem: unknown): 'private' | 'public' | undefined {
  if (typeof pem !== 'string') return undefined;
  if (parsed(createPrivateKey, pem)) return 'private';
  return parsed(createPublicKey, pem) ? 'public' : undefined;
}

const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });

/**
 * The keys as written, for bff-auth doctor: `privateKey` is the app's private key (应用私钥),
 * `alipayPublicKey` Alipay's public key (支付宝公钥). The classic mistake is the app's own public
 * key (应用公钥, the one uploaded to Alipay) in `alipayPublicKey`: it parses, and every answer then
 * fails its signature check. A public key parses from a private one, so that one is named too.
 */
export function keyProblems({ privateKey, alipayPublicKey }: Record<string, unknown>): EntryProblem[] {
  const [own, theirs] = [kindOf(privateKey), kindOf(alipayPublicKey)];
  if (own === 'public' && theirs === 'private') return [{ code: 'keys_swapped', field: 'privateKey', otherField: 'alipayPublicKey' }];
  const problems: EntryProblem[] = [];
  if (own !== 'private') problems.push({ code: own === 'public' ? 'public_key_as_private' : 'private_key_unreadable', field: 'privateKey' });
  if (theirs === undefined) problems.push({ code: 'public_key_unreadable', field: 'alipayPublicKey' });
  if (theirs === 'private') problems.push({ code: 'private_key_as_public', field: 'alipayPublicKey' });
  if (own === 'private' && theirs === 'public' && spki(createPublicKey(privateKey as string)).equals(spki(createPublicKey(alipayPublicKey as string)))) {
    problems.push({ code: 'own_public_key', field: 'alipayPublicKey' });
  }
  return problems;
}

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

/** A refusal's code and sub_code, short, for the log (codes, never free text). */
const codesOf = (content: unknown) => (isJsonObject(content) ? ` (${[content.code, content.sub_code].map((value) => String(value).slice(0, 40)).join(' ')})` : '');

/**
 * VERIFY: the answer is `{"<method, dots as underscores>_response": {...}, "sign": "..."}` (or
 * `error_response`); the signature covers that member's value exactly as sent, not a
 * re-serialization. The member is found among the top-level members only (an answer naming
 * one twice is refused), and the content is parsed from the very text verified, so nothing
 * is believed that the signature does not cover. An unsigned answer fails the step, whatever
 * it says: whether every refusal is signed is UNCONFIRMED, and its codes go to the log.
 */
export function readSignedAnswer(text: string, request: PlatformRequest, { alipayPublicKey }: { alipayPublicKey: KeyObject }, failure: AuthErrorCode): unknown {
  const trimmed = text.trim();
  const members = topLevelMembers(trimmed);
  if (members === undefined) return undefined;
  const names = members.map((member) => member.name);
  if (new Set(names).size !== names.length) throw new AuthBffError(failure, "Alipay's answer names a member twice.");
  const raw = (name: string) => {
    const member = members.find((candidate) => candidate.name === name);
    return member && trimmed.slice(member.start, member.end);
  };
  const method = request.url.searchParams.get('method') ?? '';
  const signed = [`${method.replaceAll('.', '_')}_response`, 'error_response'].map(raw).find((value) => value?.startsWith('{'));
  if (signed === undefined) return undefined;
  const content = parseJson(signed);
  const signature = parseJson(raw('sign') ?? '');
  if (typeof signature !== 'string') throw new AuthBffError(failure, `Alipay's answer is not signed${codesOf(content)}.`);
  if (!verify('sha256', Buffer.from(signed), alipayPublicKey, Buffer.from(signature, 'base64'))) {
    throw new AuthBffError(failure, "Alipay's answer failed its signature check.", { reason: 'answer_signature_invalid' });
  }
  return content;
}
