import { z } from 'zod';
import { EMBED_LANGS, EMBED_STYLES, isEmbedStylesheet } from '../../../shared/index.js';
import { definePlatform } from '../engine/define-platform.js';
import { WECHAT_SNS_ENDPOINTS, WECHAT_TOKEN_PROBE, wechatSns } from '../families/wechat-sns.js';
import { LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * WeChat Open Platform website login (网站应用微信登录), the QR code page:
 * - WEBSITE_LOGIN: https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html
 * - WXLOGIN_JS: the embedded QR, https://res.wx.qq.com/connect/zh_CN/htmledition/js/wxLogin.js and its
 *   parameters as WEBSITE_LOGIN (步骤1, "网站内嵌二维码") lists them.
 * Website apps ask for `snsapi_login` (第一步). A denial comes back with `state` and no code.
 * The app's 授权回调域 is a domain, not a URI (管理中心 → 网站应用 → 开发信息).
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
  config: {
    ...wechatSns.config,
    /** The `wechat-mp` entry whose login starts instead inside WeChat's own browser, where the QR code cannot be scanned. */
    inWeChat: z.string().optional(),
  },
  /**
   * The iframe page wxLogin.js would insert, built here instead of loading the script: the same
   * address with `login_type=jssdk`, no `response_type` and no `#wechat_redirect` (a `#` would cut
   * `style` and `href` off the link), `self_redirect=false` so the top window lands on the callback.
   */
  embed: {
    options: z.object({
      style: z.enum(EMBED_STYLES).optional(),
      href: z.string().refine(isEmbedStylesheet).optional(),
      lang: z.enum(EMBED_LANGS).optional(),
    }),
    params: ({ config, redirectUri, state, options }) => ({
      appid: config.clientId,
      scope: config.scope,
      redirect_uri: redirectUri,
      state,
      login_type: 'jssdk',
      self_redirect: 'false',
      style: options.style,
      href: options.href,
      lang: options.lang,
    }),
  },
  /**
   * WeChat's browser says `MicroMessenger` in its user agent; WeCom's (企业微信) says it too, with
   * `wxwork`, and keeps the QR page. The official account's web authorization is the login that
   * works inside WeChat, and only there (https://developers.weixin.qq.com/doc/service/guide/h5/auth.html).
   */
  handOff: { field: 'inWeChat', type: 'wechat-mp', userAgent: /MicroMessenger/i, except: /wxwork/i },
  registration: { console: 'https://open.weixin.qq.com/cgi-bin/index', domainField: '授权回调域', tokenProbe: WECHAT_TOKEN_PROBE },
});
