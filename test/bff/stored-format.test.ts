import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSealer } from '../../bff/crypto/seal.js';
import type { SessionData } from '../../bff/index.js';
import { decodeSession, encodeSession } from '../../bff/session/stored-format.js';
import { runs } from '../support/fuzz.js';

const CLAIM_NAMES = ['sub', 'name', 'email', 'email_verified', 'picture', 'preferred_username', 'openid', 'unionid', 'nickname', '__proto__', 'toString', '0', '7', ''];
const claimValue = fc.oneof(fc.string(), fc.boolean(), fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));
const sealer = createSealer(['a-secret-of-enough-length-for-the-sealer-0123'], 'tokens');

/** Session data whose user fields may or may not repeat profile claims, with tokens sealed for real or any text. */
const sessionData = fc
  .record({
    provider: fc.constantFrom('corp', 'wechat', 'dev'),
    profile: fc.dictionary(fc.oneof(fc.constantFrom(...CLAIM_NAMES), fc.string()), claimValue, { maxKeys: 8 }),
    picks: fc.array(fc.option(fc.oneof(fc.string(), fc.nat(7)), { nil: undefined }), { minLength: 8, maxLength: 8 }),
    emailVerified: fc.option(fc.boolean(), { nil: undefined }),
    ownId: fc.option(fc.string(), { nil: undefined }),
    tokens: fc.oneof(fc.string(), fc.constant('sealed'), fc.constantFrom('eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoiYWJjIn0..x.y.z', 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoiYWJjIn1..x.y.z', '.a', 'eyJ9')),
    sid: fc.option(fc.string(), { nil: undefined }),
    linked: fc.option(fc.uniqueArray(fc.constantFrom('github', 'wechat', 'x', 'd4'), { minLength: 1, maxLength: 4 }), { nil: undefined }),
    appData: fc.record(
      { sessionData: fc.dictionary(fc.oneof(fc.constantFrom(...CLAIM_NAMES), fc.string()), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 4 }), clientData: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 4 }) },
      { requiredKeys: [] },
    ),
    createdAt: fc.integer({ min: 0, max: 2 ** 40 }),
    lifetime: fc.integer({ min: 0, max: 2 ** 31 }),
  })
  .map(async ({ provider, profile, picks, emailVerified, ownId, tokens, sid, linked, appData, createdAt, lifetime }): Promise<SessionData> => {
    const claims = Object.keys(profile);
    // A number picks a profile claim's value (a string one), as providers' mappings do; else the text itself.
    const field = (pick: string | number | undefined) => (typeof pick === 'number' ? (typeof profile[claims[pick] ?? ''] === 'string' ? (profile[claims[pick] ?? ''] as string) : undefined) : pick);
    const providerUserId = field(picks[0]) ?? 'x';
    const user = Object.fromEntries(
      Object.entries({
        id: ownId ?? `${provider}:${providerUserId}`,
        provider,
        providerUserId,
        unionId: field(picks[1]),
        name: field(picks[2]),
        username: field(picks[3]),
        email: field(picks[4]),
        emailVerified,
        avatarUrl: field(picks[5]),
        locale: field(picks[6]),
      }).filter(([, value]) => value !== undefined),
    ) as unknown as SessionData['user'];
    return {
      provider,
      user,
      profile,
      tokens: tokens === 'sealed' ? await sealer.seal({ access_token: 'a', refresh_token: 'r' }) : tokens,
      ...(sid === undefined ? {} : { sid }),
      createdAt,
      absoluteExpiresAt: createdAt + lifetime,
      ...(appData as Pick<SessionData, 'sessionData' | 'clientData'>),
      ...(linked === undefined ? {} : { linked: await Promise.all(linked.map(async (id) => ({ provider: id, tokens: await sealer.seal({ access_token: id }) }))) }),
    };
  });

describe('stored session format', () => {
  it('reads back exactly what it wrote: user, profile (own claims, in order), tokens byte for byte, sid, times, sessionData, clientData and linked token sets', async () => {
    await fc.assert(
      fc.asyncProperty(sessionData, async (pending) => {
        const data = await pending;
        const read = decodeSession(encodeSession(data));
        expect(read).toStrictEqual(JSON.parse(JSON.stringify(data)));
        expect(Object.keys(read.profile)).toEqual(Object.keys(data.profile));
        expect(read.tokens).toBe(data.tokens);
      }),
      { numRuns: runs(300) },
    );
  });

  it("leaves out a sealed token set's header (but its key id) and standard claim names", async () => {
    const tokens = await sealer.seal({ access_token: 'a', refresh_token: 'r' });
    const header = tokens.slice(0, tokens.indexOf('.'));
    const data: SessionData = {
      provider: 'corp',
      user: { id: 'corp:s1', provider: 'corp', providerUserId: 's1', name: 'Ada', email: 'ada@x.test' },
      profile: { sub: 's1', name: 'Ada', preferred_username: 'ada', email: 'ada@x.test', email_verified: true },
      tokens,
      createdAt: 1_800_000_000,
      absoluteExpiresAt: 1_800_086_400,
    };
    const text = encodeSession(data);
    expect(text).not.toContain(header);
    expect(text).not.toContain('preferred_username');
    expect(text.length).toBeLessThan(JSON.stringify(data).length - header.length - 100);
    expect(decodeSession(text)).toStrictEqual(data);
    // No app data, no sid: the seven fields of before, not one byte more.
    expect(JSON.parse(text)).toHaveLength(7);
    const withClientData = encodeSession({ ...data, clientData: { plan: 'pro' } });
    expect(withClientData).toBe(`${text.slice(0, -1)},null,null,{"plan":"pro"}]`);
    expect(decodeSession(withClientData)).toStrictEqual({ ...data, clientData: { plan: 'pro' } });
    // A linked token set costs its provider id and the sealed text past its header.
    const github = await sealer.seal({ access_token: 'g' });
    const withLink = encodeSession({ ...data, linked: [{ provider: 'github', tokens: github }] });
    expect(withLink).toBe(`${text.slice(0, -1)},null,null,null,[["github",${JSON.stringify((JSON.parse(text) as string[][])[4]?.[0])},${JSON.stringify(github.slice(github.indexOf('.')))}]]]`);
    expect(decodeSession(withLink)).toStrictEqual({ ...data, linked: [{ provider: 'github', tokens: github }] });
  });

  it('reads records written in the two earlier formats', () => {
    const user = { id: 'dev:alice', provider: 'dev', providerUserId: 'alice', name: 'Alice', email: 'alice@example.test' };
    const profile = { sub: 'alice', name: 'Alice', email: 'alice@example.test' };
    const expected = { provider: 'dev', user, profile, tokens: 'sealed-tokens', sid: 'dev:s1', createdAt: 1795600000, absoluteExpiresAt: 1795686400 };
    const objectFormat = '{"p":"dev","u":[null,null,0,null,1,null,2],"r":{"sub":"alice","name":"Alice","email":"alice@example.test"},"t":"sealed-tokens","s":"dev:s1","c":1795600000,"a":1795686400}';
    expect(decodeSession(objectFormat)).toStrictEqual(expected);
    expect(decodeSession(JSON.stringify(expected))).toStrictEqual(expected);
  });
});
