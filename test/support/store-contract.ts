import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SessionData, SessionStore } from '../../bff/index.js';

export const randomKey = () => randomBytes(16).toString('base64url');
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function data(overrides: Partial<SessionData> = {}): SessionData {
  const now = nowSeconds();
  return {
    provider: 'dev',
    user: { id: 'dev:alice', provider: 'dev', providerUserId: 'alice', name: 'Alice', email: 'alice@example.test' },
    profile: { sub: 'alice', groups: ['admins', 'users'] },
    tokens: 'sealed-tokens',
    createdAt: now,
    absoluteExpiresAt: now + 86_400,
    ...overrides,
  };
}

/** A short TTL in (fractional) seconds, so no test waits out whole seconds. */
const SHORT_TTL = 0.2;
/** Polls `condition` until it holds: how a test waits for a TTL to pass, never a fixed sleep. */
const until = (condition: () => Promise<void>) => vi.waitFor(condition, { timeout: 5_000, interval: 20 });

/**
 * Runs `steps` (a write with {@link SHORT_TTL} and what must reach the record before that passes)
 * again, on fresh keys, until they take less than the TTL: on a loaded machine (a replica's `WAIT`,
 * two suites at once) they took longer, and the record was gone before the step that needed it.
 */
async function beforeShortTtlPasses<T>(steps: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    const result = await steps();
    if (performance.now() - started < SHORT_TTL * 1000 || attempt === 10) return result;
  }
}

/**
 * What every SessionStore must do, whichever backs it. Written once and run
 * against each implementation. Keys and sids are fresh per test, so one store
 * per implementation serves every test.
 */
export function sessionStoreContract(name: string, open: () => SessionStore) {
  describe(`${name}: the SessionStore contract`, () => {
    let store: SessionStore;
    beforeAll(() => {
      store = open();
    });
    afterAll(() => store.close());

    it('get answers undefined for a key never set', async () => {
      expect(await store.get(randomKey())).toBeUndefined();
    });

    it('set then get answers the data at version 1 with its expiry; delete removes it', async () => {
      const key = randomKey();
      const value = data({ sid: `dev:${randomKey()}` });
      const before = nowSeconds();
      await store.set(key, value, 60);
      const read = await store.get(key);
      expect(read).toEqual({ ...value, version: 1, idleExpiresAt: expect.any(Number) });
      expect(read?.idleExpiresAt).toBeGreaterThanOrEqual(before + 59);
      expect(read?.idleExpiresAt).toBeLessThanOrEqual(nowSeconds() + 60);
      await store.delete(key);
      expect(await store.get(key)).toBeUndefined();
    });

    it('set on an existing key replaces the record, at a version past the one it replaced', async () => {
      const key = randomKey();
      await store.set(key, data(), 60);
      expect(await store.get(key)).toMatchObject({ version: 1 });
      await store.set(key, data({ user: { id: 'dev:bob', provider: 'dev', providerUserId: 'bob' } }), 60);
      expect(await store.get(key)).toMatchObject({ version: 2, user: { id: 'dev:bob' } });
    });

    it('getIfChanged answers only the version and expiry while the record is at the version named, else the record', async () => {
      if (!store.getIfChanged) return;
      const key = randomKey();
      await store.set(key, data(), 60);
      const stamp = await store.getIfChanged(key, 1);
      expect(stamp).toEqual({ version: 1, idleExpiresAt: (await store.get(key))?.idleExpiresAt });
      expect(await store.update(key, 1, data({ profile: { sub: 'alice', name: 'Alice B.' } }))).toBe(true);
      expect(await store.getIfChanged(key, 1)).toMatchObject({ version: 2, profile: { name: 'Alice B.' } });
      expect(await store.getIfChanged(key, 2)).toEqual({ version: 2, idleExpiresAt: expect.any(Number) });
      await store.delete(key);
      expect(await store.getIfChanged(key, 2)).toBeUndefined();
    });

    it('answers the user and the profile as written, whichever of their values repeat each other', async () => {
      const key = randomKey();
      const written = data({
        provider: 'corp',
        user: { id: 'corp:42', provider: 'corp', providerUserId: '42', unionId: 'u-1', name: 'Ada', username: 'Ada', email: 'a@x.test', emailVerified: false, avatarUrl: 'https://x.test/a.png', locale: 'zh-CN' },
        profile: { sub: 42, name: 'Ada', nickname: 'Ada', email: 'b@x.test', email_verified: false, picture: 'https://x.test/a.png', missing: undefined, nested: { name: 'Ada' } },
      });
      await store.set(key, written, 60);
      const read = await store.get(key);
      expect(read?.user).toStrictEqual(written.user);
      expect(read?.profile).toStrictEqual({ sub: 42, name: 'Ada', nickname: 'Ada', email: 'b@x.test', email_verified: false, picture: 'https://x.test/a.png', nested: { name: 'Ada' } });
      const other = data({ provider: 'corp', user: { id: 'legacy-id', provider: 'github', providerUserId: '7' }, profile: {} });
      await store.set(key, other, 60);
      expect((await store.get(key))?.user).toStrictEqual(other.user);
    });

    it('delete of a key never set is fine', async () => {
      await expect(store.delete(randomKey())).resolves.toBeUndefined();
    });

    it('keeps records apart by key', async () => {
      const [a, b] = [randomKey(), randomKey()];
      await store.set(a, data(), 60);
      await store.set(b, data({ provider: 'other' }), 60);
      await store.delete(a);
      expect(await store.get(a)).toBeUndefined();
      expect((await store.get(b))?.provider).toBe('other');
    });

    it('forgets a record once its TTL has passed, and keeps one whose TTL has not', async () => {
      const long = randomKey();
      await store.set(long, data(), 60);
      const { short, found } = await beforeShortTtlPasses(async () => {
        const short = randomKey();
        await store.set(short, data(), SHORT_TTL);
        return { short, found: await store.get(short) };
      });
      expect(found).toBeDefined();
      await until(async () => expect(await store.get(short)).toBeUndefined());
      expect(await store.get(long)).toBeDefined();
    });

    describe('update: compare-and-set on the version', () => {
      it('at the version read: writes, answers true, bumps the version and keeps the expiry', async () => {
        const key = randomKey();
        await store.set(key, data(), 600);
        const read = await store.get(key);
        expect(await store.update(key, 1, { ...read!, tokens: 'refreshed' })).toBe(true);
        const after = await store.get(key);
        expect(after).toMatchObject({ version: 2, tokens: 'refreshed', user: { id: 'dev:alice' } });
        expect(Math.abs(after!.idleExpiresAt - read!.idleExpiresAt)).toBeLessThanOrEqual(1);
      });

      it('at an old version: answers false and writes nothing (no spent tokens over fresh ones)', async () => {
        const key = randomKey();
        await store.set(key, data(), 60);
        expect(await store.update(key, 1, data({ tokens: 'fresh' }))).toBe(true);
        expect(await store.update(key, 1, data({ tokens: 'spent' }))).toBe(false);
        expect(await store.get(key)).toMatchObject({ version: 2, tokens: 'fresh' });
      });

      it('of a deleted session: answers false and the session stays gone (a logout is final)', async () => {
        const key = randomKey();
        await store.set(key, data(), 60);
        await store.delete(key);
        expect(await store.update(key, 1, data())).toBe(false);
        expect(await store.get(key)).toBeUndefined();
      });

      it('keeps an expiring record expiring', async () => {
        const { key, updated } = await beforeShortTtlPasses(async () => {
          const key = randomKey();
          await store.set(key, data(), SHORT_TTL);
          return { key, updated: await store.update(key, 1, data({ tokens: 'refreshed' })) };
        });
        expect(updated).toBe(true);
        await until(async () => expect(await store.get(key)).toBeUndefined());
      });

      it('concurrent updates at one version: exactly one wins', async () => {
        const key = randomKey();
        await store.set(key, data(), 60);
        const results = await Promise.all(Array.from({ length: 10 }, (_, index) => store.update(key, 1, data({ tokens: `t${index}` }))));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.get(key)).toMatchObject({ version: 2, tokens: `t${results.indexOf(true)}` });
      });
    });

    describe('touch: the expiry only', () => {
      it('extends a record past its old TTL without rewriting it', async () => {
        const { key, witness, touched } = await beforeShortTtlPasses(async () => {
          const [key, witness] = [randomKey(), randomKey()];
          await store.set(key, data(), SHORT_TTL);
          await store.set(witness, data(), SHORT_TTL);
          return { key, witness, touched: await store.touch(key, 60) };
        });
        expect(touched).toBe(true);
        // The old TTL has passed once a record written with it at the same moment is gone.
        await until(async () => expect(await store.get(witness)).toBeUndefined());
        expect(await store.get(key)).toMatchObject({ version: 1, tokens: 'sealed-tokens' });
      });

      it('never shortens the expiry', async () => {
        const [key, witness] = [randomKey(), randomKey()];
        await store.set(key, data(), 60);
        expect(await store.touch(key, SHORT_TTL)).toBe(true);
        await store.set(witness, data(), SHORT_TTL);
        await until(async () => expect(await store.get(witness)).toBeUndefined());
        expect(await store.get(key)).toBeDefined();
      });

      it('of a deleted session: answers false and does not bring it back (a logout is final)', async () => {
        const key = randomKey();
        await store.set(key, data(), 60);
        await store.delete(key);
        expect(await store.touch(key, 600)).toBe(false);
        expect(await store.get(key)).toBeUndefined();
      });

      it('does not undo an update made after the read', async () => {
        const key = randomKey();
        await store.set(key, data(), 60);
        expect(await store.update(key, 1, data({ tokens: 'refreshed' }))).toBe(true);
        await store.touch(key, 600);
        expect(await store.get(key)).toMatchObject({ version: 2, tokens: 'refreshed' });
      });
    });

    it('deleteBySid removes every session with that sid, answers how many, and leaves others alone', async () => {
      const sid = `dev:${randomKey()}`;
      const otherSid = `dev:${randomKey()}`;
      const [a, b, c, d] = [randomKey(), randomKey(), randomKey(), randomKey()];
      await store.set(a, data({ sid }), 60);
      await store.set(b, data({ sid }), 120);
      await store.set(c, data({ sid: otherSid }), 60);
      await store.set(d, data(), 60);

      expect(await store.deleteBySid(sid)).toBe(2);
      expect(await store.get(a)).toBeUndefined();
      expect(await store.get(b)).toBeUndefined();
      expect(await store.get(c)).toBeDefined();
      expect(await store.get(d)).toBeDefined();
      expect(await store.deleteBySid(sid)).toBe(0);
    });

    it('deleteBySid does not count a session already deleted', async () => {
      const sid = `dev:${randomKey()}`;
      const [a, b] = [randomKey(), randomKey()];
      await store.set(a, data({ sid }), 60);
      await store.set(b, data({ sid }), 60);
      await store.delete(a);

      expect(await store.deleteBySid(sid)).toBe(1);
      expect(await store.get(b)).toBeUndefined();
    });

    it('deleteBySid does not count a session that has already expired', async () => {
      const sid = `dev:${randomKey()}`;
      const [expiring, live] = [randomKey(), randomKey()];
      await store.set(expiring, data({ sid }), SHORT_TTL);
      await store.set(live, data({ sid }), 60);
      await until(async () => expect(await store.get(expiring)).toBeUndefined());
      expect(await store.deleteBySid(sid)).toBe(1);
      expect(await store.get(live)).toBeUndefined();
    });

    it('deleteBySid finds a session by the sid it carries now, not one it carried before a rewrite', async () => {
      const [oldSid, newSid] = [`dev:${randomKey()}`, `dev:${randomKey()}`];
      const [rewritten, updated] = [randomKey(), randomKey()];
      await store.set(rewritten, data({ sid: oldSid }), 60);
      await store.set(rewritten, data({ sid: newSid }), 60);
      await store.set(updated, data({ sid: oldSid }), 60);
      expect(await store.update(updated, 1, data({ sid: newSid }))).toBe(true);

      expect(await store.deleteBySid(oldSid)).toBe(0);
      expect(await store.get(rewritten)).toBeDefined();
      expect(await store.get(updated)).toBeDefined();
      expect(await store.deleteBySid(newSid)).toBe(2);
      expect(await store.get(rewritten)).toBeUndefined();
      expect(await store.get(updated)).toBeUndefined();
    });

    it('after deleteBySid (a back-channel logout) neither update nor touch brings a session back', async () => {
      const sid = `dev:${randomKey()}`;
      const key = randomKey();
      await store.set(key, data({ sid }), 60);
      expect(await store.deleteBySid(sid)).toBe(1);
      expect(await store.update(key, 1, data({ sid, tokens: 'refreshed' }))).toBe(false);
      expect(await store.touch(key, 600)).toBe(false);
      expect(await store.get(key)).toBeUndefined();
    });

    it('deleteBySid of an unknown sid answers 0', async () => {
      expect(await store.deleteBySid(`dev:${randomKey()}`)).toBe(0);
    });

    describe("the per-user index (a user's sessions, by user.id)", () => {
      const userData = (userId: string, overrides: Partial<SessionData> = {}) =>
        data({ user: { id: userId, provider: 'dev', providerUserId: 'alice' }, ...overrides });
      const freshUser = () => `app-user-${randomKey()}`;
      const keysOf = async (userId: string) => (await store.listByUser(userId)).map(({ ref }) => ref).sort();

      it("listByUser answers each live session of the user (its ref and record), and no other user's", async () => {
        const [user, other] = [freshUser(), freshUser()];
        const [a, b, c] = [randomKey(), randomKey(), randomKey()];
        await store.set(a, userData(user, { provider: 'github' }), 60);
        await store.set(b, userData(user, { provider: 'wechat' }), 120);
        await store.set(c, userData(other), 60);

        const listed = await store.listByUser(user);
        expect(listed.map(({ ref }) => ref).sort()).toEqual([store.refOf(a), store.refOf(b)].sort());
        expect(listed.find(({ ref }) => ref === store.refOf(b))?.record).toMatchObject({ provider: 'wechat', version: 1, user: { id: user } });
        expect(await keysOf(other)).toEqual([store.refOf(c)]);
        expect(await store.listByUser(freshUser())).toEqual([]);
      });

      it('deleteByUser deletes every session of the user, answers how many, and leaves other users alone', async () => {
        const [user, other] = [freshUser(), freshUser()];
        const [a, b, c] = [randomKey(), randomKey(), randomKey()];
        await store.set(a, userData(user, { sid: `dev:${randomKey()}` }), 60);
        await store.set(b, userData(user), 120);
        await store.set(c, userData(other), 60);

        expect(await store.deleteByUser(user)).toBe(2);
        expect(await store.get(a)).toBeUndefined();
        expect(await store.get(b)).toBeUndefined();
        expect(await store.get(c)).toBeDefined();
        expect(await store.listByUser(user)).toEqual([]);
        expect(await store.deleteByUser(user)).toBe(0);
      });

      it('a session ended by deleteByUser or deleteRef is final: neither update nor touch brings it back', async () => {
        const user = freshUser();
        const [byUser, byRef] = [randomKey(), randomKey()];
        await store.set(byUser, userData(user), 60);
        expect(await store.deleteByUser(user)).toBe(1);
        await store.set(byRef, userData(user), 60);
        expect(await store.deleteRef(store.refOf(byRef))).toBe(true);
        for (const key of [byUser, byRef]) {
          expect(await store.update(key, 1, userData(user, { tokens: 'refreshed' }))).toBe(false);
          expect(await store.touch(key, 600)).toBe(false);
          expect(await store.get(key)).toBeUndefined();
        }
      });

      it("deleteRef deletes the one session it names, answers whether it was live, and leaves the user's others", async () => {
        const user = freshUser();
        const [ended, kept] = [randomKey(), randomKey()];
        await store.set(ended, userData(user), 60);
        await store.set(kept, userData(user), 60);

        expect(await store.deleteRef(store.refOf(ended))).toBe(true);
        expect(await store.deleteRef(store.refOf(ended))).toBe(false);
        expect(await store.get(ended)).toBeUndefined();
        expect(await keysOf(user)).toEqual([store.refOf(kept)]);
        expect(await store.deleteRef(store.refOf(randomKey()))).toBe(false);
      });

      it('a new session of a user whose sessions were ended is indexed again', async () => {
        const user = freshUser();
        await store.set(randomKey(), userData(user), 60);
        expect(await store.deleteByUser(user)).toBe(1);
        const next = randomKey();
        await store.set(next, userData(user), 60);
        expect(await keysOf(user)).toEqual([store.refOf(next)]);
        expect(await store.deleteByUser(user)).toBe(1);
        expect(await store.get(next)).toBeUndefined();
      });

      it('deleteByUser ends a session whose token refreshes race with it', async () => {
        const user = freshUser();
        const key = randomKey();
        await store.set(key, userData(user), 60);
        const refreshes = Array.from({ length: 5 }, (_, index) => store.update(key, index + 1, userData(user, { tokens: `t${index}` })));
        const [ended] = await Promise.all([store.deleteByUser(user), ...refreshes]);
        expect(ended).toBe(1);
        expect(await store.get(key)).toBeUndefined();
      });

      it('follows the user a session carries now, not one it carried before a rewrite', async () => {
        const [before, after] = [freshUser(), freshUser()];
        const [rewritten, updated] = [randomKey(), randomKey()];
        await store.set(rewritten, userData(before), 60);
        await store.set(rewritten, userData(after), 60);
        await store.set(updated, userData(before), 60);
        expect(await store.update(updated, 1, userData(after))).toBe(true);

        expect(await store.listByUser(before)).toEqual([]);
        expect(await store.deleteByUser(before)).toBe(0);
        expect(await keysOf(after)).toEqual([store.refOf(rewritten), store.refOf(updated)].sort());
        expect(await store.deleteByUser(after)).toBe(2);
      });

      it('neither lists nor counts a session that has expired', async () => {
        const user = freshUser();
        const [expiring, live] = [randomKey(), randomKey()];
        await store.set(expiring, userData(user), SHORT_TTL);
        await store.set(live, userData(user), 60);
        await until(async () => expect(await store.get(expiring)).toBeUndefined());
        expect(await keysOf(user)).toEqual([store.refOf(live)]);
        expect(await store.deleteByUser(user)).toBe(1);
      });

      it('refOf names a key the same way every time, and two keys apart', () => {
        const key = randomKey();
        expect(store.refOf(key)).toBe(store.refOf(key));
        expect(store.refOf(key)).not.toBe(store.refOf(randomKey()));
      });
    });

    it('claimOnce answers true the first time and false after, per marker', async () => {
      const [marker, other] = [`tx:${randomKey()}`, `tx:${randomKey()}`];
      expect(await store.claimOnce(marker, 60)).toBe(true);
      expect(await store.claimOnce(marker, 60)).toBe(false);
      expect(await store.claimOnce(marker, 60)).toBe(false);
      expect(await store.claimOnce(other, 60)).toBe(true);
    });

    it('concurrent claimOnce of one marker: exactly one wins', async () => {
      const marker = `tx:${randomKey()}`;
      const results = await Promise.all(Array.from({ length: 10 }, () => store.claimOnce(marker, 60)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('a claimOnce marker can be claimed again once its TTL has passed', async () => {
      const marker = `tx:${randomKey()}`;
      expect(await store.claimOnce(marker, SHORT_TTL)).toBe(true);
      await until(async () => expect(await store.claimOnce(marker, SHORT_TTL)).toBe(true));
    });

    it('claimOnce markers and sessions do not collide', async () => {
      const key = randomKey();
      expect(await store.claimOnce(key, 60)).toBe(true);
      expect(await store.get(key)).toBeUndefined();
      await store.set(key, data(), 60);
      expect(await store.claimOnce(key, 60)).toBe(false);
      expect(await store.get(key)).toBeDefined();
    });

    describe('lock', () => {
      it('one holder at a time; free again once released', async () => {
        const name = `refresh:${randomKey()}`;
        const results = await Promise.all(Array.from({ length: 10 }, () => store.lock(name, 60_000)));
        const held = results.filter((lock) => lock !== undefined);
        expect(held).toHaveLength(1);
        expect(await store.lock(name, 60_000)).toBeUndefined();
        await held[0]!.release();
        expect(await store.lock(name, 60_000)).toBeDefined();
      });

      it('lapses after its time, and a lapsed holder releasing does not free the next holder', async () => {
        const name = `refresh:${randomKey()}`;
        const lapsed = await store.lock(name, SHORT_TTL * 1000);
        expect(lapsed).toBeDefined();
        let next: Awaited<ReturnType<SessionStore['lock']>>;
        await until(async () => expect((next = await store.lock(name, 60_000))).toBeDefined());
        await lapsed!.release();
        expect(await store.lock(name, 60_000)).toBeUndefined();
        await next!.release();
      });

      it('locks and sessions do not collide', async () => {
        const key = randomKey();
        await store.lock(key, 60_000);
        expect(await store.get(key)).toBeUndefined();
        expect(await store.claimOnce(key, 60)).toBe(true);
      });
    });

    it('ping answers', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('records are copies: changing one given to set or answered by get does not change the store', async () => {
      const key = randomKey();
      const written = data();
      await store.set(key, written, 60);
      written.user.name = 'Mallory';
      written.absoluteExpiresAt = 0;

      const read = await store.get(key);
      expect(read?.user.name).toBe('Alice');
      if (!read) return;
      read.user.name = 'Eve';
      (read.profile.groups as string[]).push('root');
      read.absoluteExpiresAt = 0;

      const again = await store.get(key);
      expect(again?.user.name).toBe('Alice');
      expect(again?.profile.groups).toEqual(['admins', 'users']);
      expect(again?.absoluteExpiresAt).toBeGreaterThan(0);
    });
  });
}
