import { startWeChatEmulator, WECHAT_PATHS, type WeChatEmulator } from '../emulators/wechat.js';
import { platformCase } from './platform-case.js';

export const wechatCase = platformCase<WeChatEmulator>({
  id: 'wechat',
  name: 'WeChat',
  start: startWeChatEmulator,
  entries: (wechat) => [
    {
      id: 'wechat',
      type: 'wechat',
      clientId: wechat.appId,
      clientSecret: wechat.appSecret,
      endpoints: Object.fromEntries(Object.entries(WECHAT_PATHS).map(([key, path]) => [key, wechat.origin + path])),
    },
  ],
  user: ({ user }) => ({
    providerUserId: user.openid,
    unionId: user.unionid,
    name: user.nickname,
    avatarUrl: user.headimgurl.replace(/^http:/, 'https:'),
  }),
  refusals: { token: { token: 'errcode' }, profile: { userinfo: 'errcode' } },
  refresh: { rotates: false, refusal: 'errcode' },
});
