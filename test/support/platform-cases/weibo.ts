import fc from 'fast-check';
import { expect, vi } from 'vitest';
import { fetchHeaders } from '../dev-stack.js';
import { startWeiboEmulator, WEIBO_PATHS, type WeiboEmulator, type WeiboProfileIds } from '../../../emulators/weibo.js';
import { runs } from '../fuzz.js';
import { loginThrough, sessionIn } from '../provider-stack.js';
import { entryAt, platformCase, signsInOnlyAs } from './platform-case.js';

export const weiboCase = platformCase<WeiboEmulator>({
  id: 'weibo',
  name: 'Weibo',
  start: startWeiboEmulator,
  entries: (weibo) => [entryAt(weibo, 'weibo', WEIBO_PATHS)],
  user: ({ user }) => ({ providerUserId: user.idstr, name: user.screen_name, avatarUrl: user.avatar_hd }),
  refusals: { token: { token: 'invalid-grant' }, profile: { userinfo: 'invalid-token' } },
  refresh: false,
  quirks: {
    "signs in only when every id the profile names, `idstr` and `uid` alike, is the token answer's `uid`": async ({ stack, emulator }) => {
      const own = emulator.user.idstr;
      const someone = fc.oneof(fc.constant(own), fc.stringMatching(/^[1-9][0-9]{0,18}$/));
      const examples: WeiboProfileIds[] = [{ idstr: '1', uid: 2 }, { idstr: own, uid: '2' }, { idstr: '1', uid: own }, { idstr: '1' }, {}];
      await fc.assert(
        fc.asyncProperty(fc.record({ idstr: someone, uid: fc.oneof(someone, fc.nat()) }, { requiredKeys: [] }), async (profileIds) => {
          emulator.user.profileIds = profileIds;
          await signsInOnlyAs(stack, 'weibo', own, Object.values(profileIds).every((named) => String(named) === own));
        }),
        { numRuns: runs(20), examples: examples.map((ids): [WeiboProfileIds] => [ids]) },
      );
    },
    'keeps every digit of a uid past 2^53 (the string uid and idstr, never the rounded number)': async ({ stack, emulator }) => {
      const { browser } = await loginThrough(stack, 'weibo');
      const session = await sessionIn(stack, browser);
      expect(session.authenticated && session.user.providerUserId).toBe('6543210987654321987');
      expect(String(Number(emulator.user.idstr))).not.toBe(emulator.user.idstr);
    },
    'redeems the code by POST with every parameter in the query, none in the body': async ({ stack, emulator }) => {
      await loginThrough(stack, 'weibo');
      const token = emulator.requests.findLast((request) => request.path === WEIBO_PATHS.token);
      expect(token?.method).toBe('POST');
      expect(Object.keys(token?.query ?? {})).toEqual(['client_id', 'client_secret', 'grant_type', 'code', 'redirect_uri']);
      expect(token?.text).toBe('');
    },
    'logout revokes the access token with revokeoauth2': async ({ stack, emulator }) => {
      const { browser } = await loginThrough(stack, 'weibo');
      const accessToken = emulator.issued.findLast((issued) => issued.startsWith('2.00'));
      expect((await browser.post(`${stack.origin}/auth/logout`, { headers: fetchHeaders })).status).toBe(200);
      await vi.waitFor(() => expect(emulator.requests.findLast((request) => request.path === WEIBO_PATHS.revocation)?.query.access_token).toBe(accessToken));
      expect(emulator.grants.scopeOf(accessToken)).toBeUndefined();
    },
  },
});
