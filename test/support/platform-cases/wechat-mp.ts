import { expect } from 'vitest';
import { WECHAT_PATHS, type WeChatEmulator } from '../../../emulators/wechat.js';
import { loginThrough, sessionIn } from '../provider-stack.js';
import { entryAt, platformCase } from './platform-case.js';
import { wechatLogin } from './wechat.js';

const { officialAccountAuthorization, authorization: _websiteAuthorization, ...paths } = WECHAT_PATHS;

const entry = (wechat: WeChatEmulator, id: string, scope?: 'snsapi_base') => ({
  ...entryAt(wechat, 'wechat-mp', { authorization: officialAccountAuthorization, ...paths }),
  id,
  ...(scope ? { scope } : {}),
});

export const wechatMpCase = platformCase<WeChatEmulator>({
  id: 'wechat-mp',
  name: 'WeChat',
  ...wechatLogin,
  entries: (wechat) => [entry(wechat, 'wechat-mp'), entry(wechat, 'wechat-mp-base', 'snsapi_base')],
  quirks: {
    "sends the browser to connect/oauth2/authorize with WeChat's parameters in WeChat's order and #wechat_redirect": async ({ stack, emulator }) => {
      const { authorizationUrl } = await loginThrough(stack, 'wechat-mp');
      const url = new URL(authorizationUrl);
      expect(url.pathname).toBe(WECHAT_PATHS.officialAccountAuthorization);
      expect([...url.searchParams.keys()]).toEqual(['appid', 'redirect_uri', 'response_type', 'scope', 'state']);
      expect(url.searchParams.get('appid')).toBe(emulator.appId);
      expect(url.searchParams.get('scope')).toBe('snsapi_userinfo');
      expect(url.hash).toBe('#wechat_redirect');
    },
    'a virtual user of the snapshot page (is_snapshotuser: 1) gets no session: access_denied': async ({ emulator, failsWith }) => {
      emulator.behave({ token: 'snapshot' });
      await failsWith('access_denied');
    },
    'snsapi_base signs the user in by the openid alone, without calling userinfo': async ({ stack, emulator }) => {
      const userinfoCalls = () => emulator.requests.filter((request) => request.path === WECHAT_PATHS.userinfo).length;
      const before = userinfoCalls();
      const { location, browser } = await loginThrough(stack, 'wechat-mp-base');
      expect(location).toBe('/home');
      const session = await sessionIn(stack, browser);
      const { openid } = emulator.user;
      expect(session.authenticated && session.user).toEqual({ id: `wechat-mp-base:${openid}`, provider: 'wechat-mp-base', providerUserId: openid });
      expect(userinfoCalls()).toBe(before);
    },
  },
});
