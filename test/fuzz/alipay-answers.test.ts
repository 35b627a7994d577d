/**
 * Alipay's signed answers rebuilt by a party between the BFF and the gateway (issue #14, items 1
 * and 2), through the real login route against the Alipay emulator, which signs genuine answers
 * with Alipay's key. The attacker holds genuine signed parts and wants a session as someone else:
 * by duplicating, nesting, re-escaping or embedding the `<method>_response` member, or by
 * dropping the signature and saying nothing (or null, or "") in `code`. Properties: no such
 * answer gives a session, and a genuine answer, however its members are ordered or spaced,
 * still signs the genuine user in.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runs } from '../support/fuzz.js';
import { startAlipayEmulator, type AlipayEmulator, type SignedParts } from '../../emulators/alipay.js';
import { alipayEntry } from '../../emulators/config-entry.js';
import { loginThrough, sessionIn, startProviderStack, type ProviderStack } from '../support/provider-stack.js';

const SOMEONE_ELSE = '2088000000000666';

let stack: ProviderStack<AlipayEmulator>;
beforeAll(async () => {
  stack = await startProviderStack(startAlipayEmulator, (alipay) => ({ providers: [alipayEntry(alipay)] }));
});
beforeEach(() => {
  stack.idp.reset();
  stack.idp.reshape = undefined;
});
afterAll(() => stack.close());

/** The genuine content with the user swapped, as the attacker would send it. */
const forged = ({ text }: SignedParts, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ...(JSON.parse(text) as Record<string, unknown>), open_id: SOMEONE_ELSE, user_id: SOMEONE_ELSE, ...extra });

/** `{name: value, ...}` with `space` around every token, values as raw text. */
const object = (members: Array<[string, string]>, space: string) =>
  `{${space}${members.map(([name, value]) => `${name}${space}:${space}${value}`).join(`${space},${space}`)}${space}}`;

const quoted = (text: string) => JSON.stringify(text);
/** The member's name with one letter written as a \u escape: the same name to JSON.parse, another to a regex. */
const escapedName = (member: string) => `"${member.slice(0, -1)}\\u${member.charCodeAt(member.length - 1).toString(16).padStart(4, '0')}"`;

type Shape = (parts: SignedParts) => Array<[string, string]>;

const HOSTILE: Record<string, Shape> = {
  'genuine then forged duplicate': (p) => [[quoted(p.member), p.text], [quoted(p.member), forged(p)], ['"sign"', quoted(p.signature)]],
  'forged then genuine duplicate': (p) => [[quoted(p.member), forged(p)], [quoted(p.member), p.text], ['"sign"', quoted(p.signature)]],
  'genuine then forged under an escaped name': (p) => [[quoted(p.member), p.text], [escapedName(p.member), forged(p)], ['"sign"', quoted(p.signature)]],
  'genuine nested, forged at the top': (p) => [['"wrapper"', `{${quoted(p.member)}:${p.text}}`], [quoted(p.member), forged(p)], ['"sign"', quoted(p.signature)]],
  'genuine inside a string, forged at the top': (p) => [['"note"', quoted(`${quoted(p.member)}:${p.text}`)], [quoted(p.member), forged(p)], ['"sign"', quoted(p.signature)]],
  'genuine under error_response, forged unsigned member': (p) => [[quoted(p.member), forged(p)], ['"error_response"', p.text], ['"sign"', quoted(p.signature)]],
  'unsigned, no code': (p) => [[quoted(p.member), forged(p)]],
  'unsigned, code null': (p) => [[quoted(p.member), forged(p, { code: null })]],
  'unsigned, code empty': (p) => [[quoted(p.member), forged(p, { code: '' })]],
  'unsigned, code an object': (p) => [[quoted(p.member), forged(p, { code: { value: '10000' } })]],
  'unsigned, code a refusal': (p) => [[quoted(p.member), forged(p, { code: '40004', sub_code: 'isv.x' })]],
  'sign not a string': (p) => [[quoted(p.member), forged(p)], ['"sign"', `[${quoted(p.signature)}]`]],
};

const GENUINE: Record<string, Shape> = {
  'as sent': (p) => [[quoted(p.member), p.text], ['"sign"', quoted(p.signature)]],
  'sign first': (p) => [['"sign"', quoted(p.signature)], [quoted(p.member), p.text]],
  'another member beside it': (p) => [[quoted(p.member), p.text], ['"alipay_cert_sn"', '"4a0e"'], ['"sign"', quoted(p.signature)]],
};

const space = fc.string({ unit: fc.constantFrom(' ', '\n', '\t', '\r'), maxLength: 3 });

describe("Alipay's answers, rebuilt between the BFF and the gateway", () => {
  it('property: no rebuilt or unsigned token answer gives a session, least of all as the forged user', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(HOSTILE)), space, async (shape, gap) => {
        stack.idp.reshape = (parts) => object(HOSTILE[shape]!(parts), gap);
        const { location, browser } = await loginThrough(stack, 'alipay');
        expect(location).toBe('/home?auth_error=token_exchange_failed');
        expect(await sessionIn(stack, browser)).toEqual({ authenticated: false });
      }),
      { numRuns: runs(30), examples: Object.keys(HOSTILE).map((shape): [string, string] => [shape, '']) },
    );
  });

  it('property: a genuine answer, reordered or spaced any way, signs the genuine user in', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(GENUINE)), space, async (shape, gap) => {
        stack.idp.reshape = (parts) => object(GENUINE[shape]!(parts), gap);
        const { location, browser } = await loginThrough(stack, 'alipay');
        expect(location).toBe('/home');
        expect(await sessionIn(stack, browser)).toMatchObject({ user: { providerUserId: stack.idp.user.open_id } });
      }),
      { numRuns: runs(10) },
    );
  });
});
