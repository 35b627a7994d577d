import { z } from 'zod';
import type { AuthErrorCode } from '../../shared/index.js';
import { endpointOverrides, providerBase } from '../config/fields.js';
import { AuthBffError } from '../errors.js';
import { createProviderFetch } from '../http/provider-fetch.js';
import { withOverrides } from './endpoints.js';
import { isJsonObject, readJsonBody } from './json-body.js';
import type { AuthorizationRequest, Identity, Provider, ProviderContext, ProviderType, TokenResult, TokenSet } from './provider.js';
import { mapUser, type UserFieldMap } from './user-fields.js';

/*
 * WeChat Open Platform website login (网站应用微信登录). Its documents:
 * - LOGIN_GUIDE: https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html
 * - API_CALLS: https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Authorized_Interface_Calling_UnionID.html
 * - RETURN_CODES: https://developers.weixin.qq.com/doc/oplatform/Return_codes/Return_code_descriptions_new.html
 * - WEB_AUTHORIZATION: https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 */

const DEFAULT_ENDPOINTS = {
  authorization: 'https://open.weixin.qq.com/connect/qrconnect',
  token: 'https://api.weixin.qq.com/sns/oauth2/access_token',
  userinfo: 'https://api.weixin.qq.com/sns/userinfo',
};

const configSchema = providerBase
  .extend({
    type: z.literal('wechat'),
    /** LOGIN_GUIDE 第一步: website apps ask for `snsapi_login`. */
    scope: z.string().min(1).default('snsapi_login'),
    /** The language of the profile's country, province and city (API_CALLS, sns/userinfo `lang`). */
    lang: z.enum(['zh_CN', 'zh_TW', 'en']).default('zh_CN'),
    endpoints: endpointOverrides.pick({ authorization: true, token: true, userinfo: true }).optional(),
  })
  .strict();

type WeChatConfig = z.infer<typeof configSchema>;
export type WeChatProviderConfig = z.input<typeof configSchema>;

const WECHAT_USER_FIELDS: UserFieldMap = {
  name: ['nickname'],
  username: [],
  email: [],
  emailVerified: [],
  avatarUrl: ['headimgurl'],
  locale: [],
};

/** RETURN_CODES: -1 is "系统繁忙,此时请开发者稍候再试" (busy, try later). */
const BUSY_ERRCODE = -1;

/**
 * WeChat website login, which breaks OAuth 2.0 in several places: the app id and
 * secret go in the token URL's query, answers are HTTP 200 whether they succeed or
 * carry an `errcode`, the token answer itself names the user (`openid`, `unionid`).
 * The token URL holds the app secret, so no URL ever goes into an error message.
 */
class WeChatProvider implements Provider {
  readonly type = 'wechat';
  readonly usesNonce = false;
  readonly id: string;
  readonly name: string;
  private readonly endpoints: typeof DEFAULT_ENDPOINTS;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly config: WeChatConfig,
    context: ProviderContext,
  ) {
    this.id = config.id;
    this.name = config.name ?? 'WeChat';
    this.endpoints = withOverrides(DEFAULT_ENDPOINTS, config.endpoints);
    this.fetch = createProviderFetch(config.httpTimeoutMs ?? context.httpTimeoutMs);
  }

  /**
   * LOGIN_GUIDE 第一步, with the parameters in its order and the `#wechat_redirect`
   * fragment: WeChat matches authorization links against a strict pattern and a
   * different order shows "该链接无法访问" instead (stated in WEB_AUTHORIZATION,
   * its sibling document for official accounts). WeChat has no PKCE, so the
   * challenge is not sent: `state` and the single-use encrypted transaction
   * cookie carry the CSRF defence, and the code is worth nothing without the
   * app secret, which only the BFF holds.
   */
  async authorizationUrl({ redirectUri, state }: AuthorizationRequest) {
    const url = new URL(this.endpoints.authorization);
    url.searchParams.append('appid', this.config.clientId);
    url.searchParams.append('redirect_uri', redirectUri);
    url.searchParams.append('response_type', 'code');
    url.searchParams.append('scope', this.config.scope);
    url.searchParams.append('state', state);
    url.hash = 'wechat_redirect';
    return { url };
  }

  /** API_CALLS 1: a GET with the app id and secret in the query; no redirect_uri, no code_verifier. */
  async exchangeCode(callback: URLSearchParams): Promise<TokenResult> {
    const url = new URL(this.endpoints.token);
    url.searchParams.append('appid', this.config.clientId);
    url.searchParams.append('secret', this.config.clientSecret);
    url.searchParams.append('code', callback.get('code') ?? '');
    url.searchParams.append('grant_type', 'authorization_code');
    const body = await this.get(url, 'token_exchange_failed', 'token');
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new AuthBffError('token_exchange_failed', "WeChat's token answer has no access_token.");
    }
    return { tokens: toTokenSet(body, body.access_token) };
  }

  /** The token answer names the user: `openid` for this app, `unionid` across the developer's apps. */
  async resolveIdentity({ tokens }: TokenResult): Promise<Identity> {
    const { openid, unionid } = tokens;
    if (typeof openid !== 'string' || openid === '') throw new AuthBffError('profile_failed', "WeChat's token answer names no openid.");
    const unionId = typeof unionid === 'string' && unionid !== '' ? unionid : undefined;
    return { subject: openid, unionId, claims: unionId === undefined ? { openid } : { openid, unionid: unionId } };
  }

  /** API_CALLS 3: sns/userinfo, whose `openid` must be the token's, else the profile is someone else's. */
  async fetchProfile({ tokens }: TokenResult, identity: Identity) {
    const url = new URL(this.endpoints.userinfo);
    url.searchParams.append('access_token', tokens.access_token);
    url.searchParams.append('openid', identity.subject);
    url.searchParams.append('lang', this.config.lang);
    const profile = await this.get(url, 'profile_failed', 'userinfo');
    if (profile.openid !== identity.subject) {
      throw new AuthBffError('profile_failed', "WeChat's userinfo answer is about another openid than the token's.");
    }
    return profile;
  }

  toUser(profile: Record<string, unknown>) {
    const user = mapUser(profile, WECHAT_USER_FIELDS);
    return { ...user, avatarUrl: user.avatarUrl && httpsAvatar(user.avatarUrl) };
  }

  /**
   * GETs a WeChat API. RETURN_CODES: a refusal is HTTP 200 with `{errcode, errmsg}`;
   * errcode -1 means WeChat is busy. Only the errcode goes into the message, never
   * the URL (it may hold the secret or a token) nor `errmsg`.
   */
  private async get(url: URL, failure: AuthErrorCode, endpoint: string): Promise<Record<string, unknown>> {
    const response = await this.fetch(url, { headers: { accept: 'application/json' } });
    const body = await readJsonBody(response);
    if (!response.ok) throw new AuthBffError(failure, `WeChat's ${endpoint} endpoint answered HTTP ${response.status}.`);
    if (!isJsonObject(body)) throw new AuthBffError(failure, `WeChat's ${endpoint} endpoint did not answer a JSON object.`);
    const { errcode } = body;
    if (errcode === undefined || errcode === 0) return body;
    const described = `WeChat's ${endpoint} endpoint answered errcode ${String(errcode).slice(0, 12)}.`;
    throw new AuthBffError(errcode === BUSY_ERRCODE ? 'provider_unavailable' : failure, described);
  }
}

function toTokenSet(body: Record<string, unknown>, accessToken: string): TokenSet {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    access_token: accessToken,
    expires_at: typeof body.expires_in === 'number' ? Math.floor(Date.now() / 1000) + body.expires_in : undefined,
    refresh_token: text(body.refresh_token),
    scope: text(body.scope),
    openid: text(body.openid),
    unionid: text(body.unionid),
  };
}

/**
 * WeChat often answers `http://thirdwx.qlogo.cn/...` avatars; API_CALLS shows the
 * same host over https, so those are upgraded rather than become mixed content.
 */
function httpsAvatar(avatarUrl: string): string {
  if (!URL.canParse(avatarUrl)) return avatarUrl;
  const url = new URL(avatarUrl);
  if (url.protocol === 'http:' && (url.hostname === 'qlogo.cn' || url.hostname.endsWith('.qlogo.cn'))) url.protocol = 'https:';
  return url.href;
}

export const wechatProviderType: ProviderType<typeof configSchema> = {
  type: 'wechat',
  configSchema,
  create: (config, context) => new WeChatProvider(config, context),
};
