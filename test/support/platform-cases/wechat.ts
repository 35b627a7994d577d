import { startWeChatEmulator, WECHAT_PATHS, type WeChatEmulator } from '../../../emulators/wechat.js';
import { entryAt, platformCase, type PlatformCase } from './platform-case.js';

/** What website login and the official accounts' login (wechat-mp.ts) share: one emulator, the same user, the same refusals. */
export const wechatLogin = {
  start: startWeChatEmulator,
  user: ({ user }: WeChatEmulator) => ({
    providerUserId: user.openid,
    unionId: user.unionid,
    name: user.nickname,
    avatarUrl: user.headimgurl.replace(/^http:/, 'https:'),
  }),
  refusals: { token: { token: 'errcode' }, profile: { userinfo: 'errcode' } },
  refresh: { rotates: false, refusal: 'errcode' },
} satisfies Partial<PlatformCase<WeChatEmulator>>;

const { officialAccountAuthorization: _officialAccountAuthorization, ...paths } = WECHAT_PATHS;

export const wechatCase = platformCase<WeChatEmulator>({
  id: 'wechat',
  name: 'WeChat',
  embeddable: true,
  ...wechatLogin,
  entries: (wechat) => [entryAt(wechat, 'wechat', paths)],
});
