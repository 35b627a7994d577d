import { z } from 'zod';
import { definePlatform } from '../engine/define-platform.js';
import { WECHAT_SNS_ENDPOINTS, WECHAT_TOKEN_PROBE, wechatSns } from '../families/wechat-sns.js';

/*
 * WeChat Official Account web authorization (公众号网页授权), inside WeChat's browser:
 * - WEB_AUTH: https://developers.weixin.qq.com/doc/service/guide/h5/auth.html
 * - TOKEN: https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsaccesstoken
 * The same sns API as website login, with the account's appid and secret. The 网页授权域名 is the
 * exact host, without scheme, path or port (设置与开发 → 账号设置 → 功能设置; WEB_AUTH).
 */
export const wechatMp = definePlatform({
  ...wechatSns,
  type: 'wechat-mp',
  name: 'WeChat',
  endpoints: { authorization: 'https://open.weixin.qq.com/connect/oauth2/authorize', ...WECHAT_SNS_ENDPOINTS },
  scope: 'snsapi_userinfo',
  guide: {
    title: 'WeChat Official Account',
    ids: '`openid` / `unionid` (`snsapi_userinfo` only)',
    refresh: 'yes',
    revocation: 'no',
    console: 'mp.weixin.qq.com (网页授权域名; certified service accounts)',
    redirect: 'the domain',
    localDevelopment: 'a public https origin on the registered domain, opened in WeChat\'s browser',
  },
  config: {
    ...wechatSns.config,
    /** WEB_AUTH: `snsapi_userinfo` asks for consent and gives the profile; `snsapi_base` is silent and gives only the openid. */
    scope: z.enum(['snsapi_userinfo', 'snsapi_base']).default('snsapi_userinfo'),
  },
  token: {
    ...wechatSns.token,
    // TOKEN: `is_snapshotuser: 1` is a virtual user of the snapshot page (快照页), with a made-up openid: no session for it.
    refusals: [{ path: 'is_snapshotuser', ok: [0], means: 'access_denied' }],
  },
  // WEB_AUTH: with snsapi_base, sns/userinfo answers 48001; the openid is all there is.
  skipUserinfo: (config) => config.scope === 'snsapi_base',
  registration: { console: 'https://mp.weixin.qq.com/', domainField: '网页授权域名', plainDomain: true, tokenProbe: WECHAT_TOKEN_PROBE },
});
