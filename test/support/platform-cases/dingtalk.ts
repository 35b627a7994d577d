import { expect } from 'vitest';
import { DINGTALK_PATHS, startDingTalkEmulator, type DingTalkEmulator } from '../../../emulators/dingtalk.js';
import { loginThrough } from '../provider-stack.js';
import { entryAt, platformCase } from './platform-case.js';

export const dingtalkCase = platformCase<DingTalkEmulator>({
  id: 'dingtalk',
  name: 'DingTalk',
  start: startDingTalkEmulator,
  entries: (dingtalk) => [entryAt(dingtalk, 'dingtalk', DINGTALK_PATHS)],
  // The email is not documented as verified, so emailVerified stays out.
  user: ({ user }) => ({ providerUserId: user.openId, unionId: user.unionId, name: user.nick, email: user.email, avatarUrl: user.avatarUrl }),
  refusals: { token: { token: 'refuse' }, profile: { userinfo: 'refuse' } },
  refresh: { rotates: true, refusal: 'refuse' },
  quirks: {
    'the code comes back as authCode, and the BFF speaks camelCase JSON and the x-acs-dingtalk-access-token header': async ({ stack, emulator }) => {
      const { callbackUrl, location } = await loginThrough(stack, 'dingtalk');
      expect(location).toBe('/home');
      const callback = new URL(callbackUrl ?? '').searchParams;
      expect(callback.has('authCode') && !callback.has('code')).toBe(true);
      const token = emulator.requests.findLast((request) => request.path === DINGTALK_PATHS.token);
      expect(token?.headers['content-type']).toMatch(/^application\/json/);
      expect(token?.json).toEqual({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, code: callback.get('authCode'), grantType: 'authorization_code' });
      const me = emulator.requests.findLast((request) => request.path === DINGTALK_PATHS.userinfo);
      expect(me?.headers['x-acs-dingtalk-access-token']).toMatch(/^[0-9a-f]+$/);
      expect(me?.headers.authorization).toBeUndefined();
    },
  },
});
