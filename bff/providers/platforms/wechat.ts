import { definePlatform } from '../engine/define-platform.js';
import { WECHAT_SNS_ENDPOINTS, WECHAT_TOKEN_PROBE, wechatSns } from '../families/wechat-sns.js';

/*
 * WeChat Open Platform website login (网站应用微信登录), the QR code page:
 * https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html
 * Website apps ask for `snsapi_login` (第一步). A denial comes back with `state` and no code.
 * The app's 授权回调域 is a domain, not a URI (管理中心 → 网站应用 → 开发信息).
 */
export const wechat = definePlatform({
  ...wechatSns,
  type: 'wechat',
  name: 'WeChat',
  endpoints: { authorization: 'https://open.weixin.qq.com/connect/qrconnect', ...WECHAT_SNS_ENDPOINTS },
  scope: 'snsapi_login',
  registration: { console: 'https://open.weixin.qq.com/cgi-bin/index', domainField: '授权回调域', tokenProbe: WECHAT_TOKEN_PROBE },
});
