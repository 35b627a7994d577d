import { definePlatform } from '../engine/define-platform.js';
import { WECHAT_SNS_ENDPOINTS, wechatSns } from '../families/wechat-sns.js';
import { LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * WeChat Open Platform website login (网站应用微信登录), the QR code page:
 * https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html
 * Website apps ask for `snsapi_login` (第一步). A denial comes back with `state` and no code.
 */
export const wechat = definePlatform({
  ...wechatSns,
  type: 'wechat',
  name: 'WeChat',
  endpoints: { authorization: 'https://open.weixin.qq.com/connect/qrconnect', ...WECHAT_SNS_ENDPOINTS },
  scope: 'snsapi_login',
  guide: {
    title: 'WeChat website login',
    ids: '`openid` / `unionid`',
    refresh: 'yes',
    revocation: 'no',
    console: 'open.weixin.qq.com (网站应用)',
    redirect: 'the domain (授权回调域)',
    localDevelopment: LOCAL_DEVELOPMENT.domainOnly,
  },
});
