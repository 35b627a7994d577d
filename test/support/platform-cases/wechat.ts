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
      endpoints: {
        authorization: wechat.origin + WECHAT_PATHS.authorization,
        token: wechat.origin + WECHAT_PATHS.token,
        refresh: wechat.origin + WECHAT_PATHS.refresh,
        userinfo: wechat.origin + WECHAT_PATHS.userinfo,
      },
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
