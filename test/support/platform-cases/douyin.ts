import { expect } from 'vitest';
import { DOUYIN_PATHS, startDouyinEmulator, type DouyinEmulator } from '../../../emulators/douyin.js';
import { loginThrough } from '../provider-stack.js';
import { entryAt, platformCase } from './platform-case.js';

export const douyinCase = platformCase<DouyinEmulator>({
  id: 'douyin',
  name: 'Douyin',
  start: startDouyinEmulator,
  entries: (douyin) => [entryAt(douyin, 'douyin', DOUYIN_PATHS)],
  user: ({ user }) => ({ providerUserId: user.open_id, unionId: user.union_id, name: user.nickname, avatarUrl: user.avatar }),
  // Both refusals arrive with HTTP 200: data.error_code 10008 from the token call, err_no from userinfo.
  refusals: { token: { token: 'invalid-code' }, profile: { userinfo: 'invalid-token' } },
  refresh: { rotates: false, refusal: 'expired' },
  quirks: {
    'a userinfo answer in the older envelope with data.error_code "2190008" (a string) is profile_failed': async ({ emulator, failsWith }) => {
      emulator.behave({ userinfo: 'old-envelope-error' });
      await failsWith('profile_failed');
    },
    'redeems the code with a form body naming client_key, and asks userinfo for the open_id of the token answer': async ({ stack, emulator }) => {
      const { callbackUrl } = await loginThrough(stack, 'douyin');
      const token = emulator.requests.findLast((request) => request.path === DOUYIN_PATHS.token);
      expect(token?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(token?.body).toEqual({
        client_key: emulator.clientId,
        client_secret: emulator.clientSecret,
        code: new URL(callbackUrl ?? '').searchParams.get('code'),
        grant_type: 'authorization_code',
      });
      expect(emulator.requests.findLast((request) => request.path === DOUYIN_PATHS.userinfo)?.body.open_id).toBe(emulator.user.open_id);
    },
  },
});
