import { expect } from 'vitest';
import { QQ_PATHS, startQqEmulator, type QqEmulator } from '../../../emulators/qq.js';
import { loginThrough, sessionIn } from '../provider-stack.js';
import { entryAt, platformCase } from './platform-case.js';

const entry = (qq: QqEmulator, id: string, unionId: boolean) => ({ ...entryAt(qq, 'qq', QQ_PATHS), id, unionId });

export const qqCase = platformCase<QqEmulator>({
  id: 'qq',
  name: 'QQ',
  start: startQqEmulator,
  entries: (qq) => [entry(qq, 'qq', true), entry(qq, 'qq-openid', false)],
  user: ({ user }) => ({
    providerUserId: user.openid,
    unionId: user.unionid,
    name: user.nickname,
    avatarUrl: user.figureurl_qq_2.replace(/^http:/, 'https:'),
  }),
  refusals: { token: { token: 'reused' }, profile: { userinfo: 'refused' } },
  refresh: { rotates: true, refusal: 'revoked' },
  quirks: {
    'reads an urlencoded token answer and a JSONP /me when QQ ignores fmt=json': async ({ stack, emulator }) => {
      emulator.behave({ format: 'legacy' });
      const { location, browser } = await loginThrough(stack, 'qq');
      expect(location).toBe('/home');
      const session = await sessionIn(stack, browser);
      expect(session.authenticated && session.user.providerUserId).toBe(emulator.user.openid);
    },
    'a JSONP error from /me ends the login with profile_failed': async ({ emulator, failsWith }) => {
      emulator.behave({ me: 'check-failed' });
      await failsWith('profile_failed');
    },
    'asks /me for the unionid only with "unionId": true': async ({ stack, emulator }) => {
      const { browser } = await loginThrough(stack, 'qq-openid');
      expect(emulator.requests.findLast((request) => request.path === QQ_PATHS.identity)?.query.unionid).toBeUndefined();
      const session = await sessionIn(stack, browser);
      expect(session.authenticated && session.user).toMatchObject({ providerUserId: emulator.user.openid });
      expect(session.authenticated && session.user.unionId).toBeUndefined();
    },
    'sends the secret and fmt=json in the token query, and the app id as oauth_consumer_key to get_user_info': async ({ stack, emulator }) => {
      const { callbackUrl } = await loginThrough(stack, 'qq');
      const token = emulator.requests.findLast((request) => request.path === QQ_PATHS.token);
      expect(token?.method).toBe('GET');
      expect(token?.query).toEqual({
        grant_type: 'authorization_code',
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
        code: new URL(callbackUrl ?? '').searchParams.get('code'),
        redirect_uri: `${stack.origin}/auth/callback/qq`,
        fmt: 'json',
      });
      const userinfo = emulator.requests.findLast((request) => request.path === QQ_PATHS.userinfo);
      expect(userinfo?.query).toMatchObject({ oauth_consumer_key: emulator.clientId, openid: emulator.user.openid });
    },
  },
});
