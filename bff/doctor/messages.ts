/** What `bff-auth doctor` says, in English and Simplified Chinese: one line per finding, saying what to do. */

export type Lang = 'en' | 'zh';

export type Params = Record<string, string | number>;

type Catalog = Record<string, (p: Params) => string>;

const en = {
  config_unreadable: (p) => `The config cannot be loaded: ${p.detail}`,
  config_invalid: (p) => `${p.detail}: fix this in the config file.`,
  secret_too_short: (p) => `${p.field} has ${p.length} characters: use at least 32 (generate one with: openssl rand -base64 32).`,
  base_url_http: (p) => `baseUrl ${p.value} is plain http off this machine: serve the app over https (plain http only on localhost, 127.0.0.1 and [::1]).`,
  memory_store_production: () =>
    'session.store is "memory" with NODE_ENV=production: sessions are lost on restart and not shared between instances. Use Redis (session.store: "redis://...").',
  domain_not_plain: (p) =>
    `${p.provider}: the ${p.domainField} must be a plain domain name, and baseUrl's host ${p.value} is not one (no IP address, no port, no localhost): serve the app on a domain name.`,
  keys_swapped: (p) => `${p.provider}: ${p.field} and ${p.otherField} are swapped: put the app's private key in ${p.field} and the platform's public key in ${p.otherField}.`,
  private_key_unreadable: (p) => `${p.provider}: ${p.field} is not an RSA private key in PEM: paste the app's private key with its -----BEGIN PRIVATE KEY----- lines.`,
  public_key_as_private: (p) => `${p.provider}: ${p.field} holds a public key: it must be the app's private key (the one you generated and kept).`,
  public_key_unreadable: (p) => `${p.provider}: ${p.field} is not an RSA public key in PEM: paste the platform's public key with its -----BEGIN PUBLIC KEY----- lines.`,
  private_key_as_public: (p) => `${p.provider}: ${p.field} holds a private key: it must be the platform's public key, copied from the console.`,
  own_public_key: (p) =>
    `${p.provider}: ${p.field} is the public key of your own privateKey (the app public key you uploaded), not the platform's: copy the platform's public key from the console.`,
  discovery_ok: (p) => `${p.provider}: discovery answers, issuer ${p.value}.`,
  discovery_failed: (p) => `${p.provider}: discovery at ${p.value} failed (${p.detail}): check issuer and that this machine can reach it.`,
  issuer_mismatch: (p) => `${p.provider}: the discovery document names another issuer than ${p.value}: set issuer exactly as the document's "issuer" (a trailing slash counts).`,
  jwks_ok: (p) => `${p.provider}: the JWKS has ${p.count} key(s).`,
  jwks_empty: (p) => `${p.provider}: the JWKS has no keys: ID tokens cannot be verified; check the provider's signing keys.`,
  jwks_failed: (p) => `${p.provider}: the JWKS could not be read (${p.detail}): check the provider's jwks_uri.`,
  authorization_ok: (p) => `${p.provider}: the authorization endpoint answers (HTTP ${p.status}).`,
  authorization_failed: (p) =>
    `${p.provider}: the authorization endpoint ${p.status === undefined ? `did not answer (${p.detail})` : `answered HTTP ${p.status}`}: check endpoints.authorization (or issuer).`,
  token_invalidCode: (p) => `${p.provider}: the token endpoint knows the app: a made-up code is refused as invalid (${p.detail}).`,
  token_unknownApp: (p) => `${p.provider}: the platform does not know clientId (${p.detail}): copy the app id from the console.`,
  token_wrongSecret: (p) => `${p.provider}: the platform refuses clientSecret (${p.detail}): copy the app secret from the console (reset it there if lost).`,
  token_badClient: (p) => `${p.provider}: the platform refuses clientId or clientSecret (${p.detail}): copy both from the console.`,
  token_ipNotAllowed: (p) => `${p.provider}: this server's IP address is not on the app's IP allowlist (${p.detail}): add it in the console.`,
  token_badSignature: (p) =>
    `${p.provider}: the platform cannot verify the request's signature (${p.detail}): upload the public key of privateKey (the app public key) in the console.`,
  token_redirectMismatch: (p) => `${p.provider}: the redirect URI is not the registered one (${p.detail}): register the redirect URI above exactly.`,
  token_unexpected: (p) => `${p.provider}: the token endpoint answered ${p.detail}, not the platform's invalid-code error: check endpoints.token, clientId and the secret.`,
  token_failed: (p) => `${p.provider}: the token endpoint could not be asked (${p.detail}): check endpoints.token and that this machine can reach it.`,
  answer_signature_invalid: (p) => `${p.provider}: the platform's answer does not verify with the configured platform public key: copy the platform's public key from the console.`,
} satisfies Catalog;

/** Every code of `en`, and no other: the compiler holds the two catalogs to one list. */
const zh: Record<keyof typeof en, Catalog[string]> = {
  config_unreadable: (p) => `无法加载配置：${p.detail}`,
  config_invalid: (p) => `${p.detail}：请在配置文件中修正。`,
  secret_too_short: (p) => `${p.field} 只有 ${p.length} 个字符：至少需要 32 个（可用 openssl rand -base64 32 生成）。`,
  base_url_http: (p) => `baseUrl ${p.value} 在本机之外使用了明文 http：请用 https 提供服务（只有 localhost、127.0.0.1 和 [::1] 可用 http）。`,
  memory_store_production: () => 'NODE_ENV=production 时 session.store 为 "memory"：重启后会话丢失，多实例之间也不共享。请使用 Redis（session.store: "redis://..."）。',
  domain_not_plain: (p) => `${p.provider}：${p.domainField}必须是普通域名，而 baseUrl 的主机 ${p.value} 不是（不能是 IP、不能带端口、不能是 localhost）：请用域名提供服务。`,
  keys_swapped: (p) => `${p.provider}：${p.field} 和 ${p.otherField} 填反了：${p.field} 填应用私钥，${p.otherField} 填平台公钥。`,
  private_key_unreadable: (p) => `${p.provider}：${p.field} 不是 PEM 格式的 RSA 私钥：请连同 -----BEGIN PRIVATE KEY----- 行一起粘贴应用私钥。`,
  public_key_as_private: (p) => `${p.provider}：${p.field} 填的是公钥：这里应填应用私钥（你自己生成并保存的那把）。`,
  public_key_unreadable: (p) => `${p.provider}：${p.field} 不是 PEM 格式的 RSA 公钥：请连同 -----BEGIN PUBLIC KEY----- 行一起粘贴平台公钥。`,
  private_key_as_public: (p) => `${p.provider}：${p.field} 填的是私钥：这里应填从控制台复制的平台公钥。`,
  own_public_key: (p) => `${p.provider}：${p.field} 是你自己的 privateKey 对应的公钥（你上传的应用公钥），不是平台公钥：请从控制台复制平台公钥。`,
  discovery_ok: (p) => `${p.provider}：discovery 可访问，issuer 为 ${p.value}。`,
  discovery_failed: (p) => `${p.provider}：读取 ${p.value} 的 discovery 失败（${p.detail}）：请检查 issuer，以及本机能否访问它。`,
  issuer_mismatch: (p) => `${p.provider}：discovery 文档中的 issuer 与配置的 ${p.value} 不一致：请按文档中的 "issuer" 原样填写（结尾的斜杠也算）。`,
  jwks_ok: (p) => `${p.provider}：JWKS 中有 ${p.count} 个密钥。`,
  jwks_empty: (p) => `${p.provider}：JWKS 中没有密钥：无法验证 ID Token；请检查身份提供方的签名密钥。`,
  jwks_failed: (p) => `${p.provider}：无法读取 JWKS（${p.detail}）：请检查身份提供方的 jwks_uri。`,
  authorization_ok: (p) => `${p.provider}：授权地址可访问（HTTP ${p.status}）。`,
  authorization_failed: (p) => `${p.provider}：授权地址${p.status === undefined ? `无法访问（${p.detail}）` : `返回了 HTTP ${p.status}`}：请检查 endpoints.authorization（或 issuer）。`,
  token_invalidCode: (p) => `${p.provider}：令牌接口认得这个应用：伪造的 code 被判为无效（${p.detail}）。`,
  token_unknownApp: (p) => `${p.provider}：平台不认识 clientId（${p.detail}）：请从控制台复制 AppID。`,
  token_wrongSecret: (p) => `${p.provider}：平台拒绝了 clientSecret（${p.detail}）：请从控制台复制 AppSecret（遗失可在控制台重置）。`,
  token_badClient: (p) => `${p.provider}：平台拒绝了 clientId 或 clientSecret（${p.detail}）：请从控制台重新复制两者。`,
  token_ipNotAllowed: (p) => `${p.provider}：本服务器的 IP 不在应用的 IP 白名单中（${p.detail}）：请在控制台添加。`,
  token_badSignature: (p) => `${p.provider}：平台无法验证请求签名（${p.detail}）：请在控制台上传 privateKey 对应的公钥（应用公钥）。`,
  token_redirectMismatch: (p) => `${p.provider}：回调地址与登记的不一致（${p.detail}）：请按上面的回调地址原样登记。`,
  token_unexpected: (p) => `${p.provider}：令牌接口返回了 ${p.detail}，不是平台的"code 无效"错误：请检查 endpoints.token、clientId 和密钥。`,
  token_failed: (p) => `${p.provider}：无法调用令牌接口（${p.detail}）：请检查 endpoints.token，以及本机能否访问它。`,
  answer_signature_invalid: (p) => `${p.provider}：平台的响应无法用配置的平台公钥验签：请从控制台复制平台公钥。`,
};

/** The labels of the registration block. */
const LABELS: Record<Lang, Record<'redirectUri' | 'postLogoutRedirectUri' | 'console' | 'consoleUnknown' | 'passed' | 'problems', string>> = {
  en: {
    redirectUri: 'Redirect URI to register',
    postLogoutRedirectUri: 'Post-logout redirect URI',
    console: 'Register it at',
    consoleUnknown: "your provider's admin console",
    passed: 'All checks passed.',
    problems: 'problem(s) to fix.',
  },
  zh: {
    redirectUri: '需要登记的回调地址',
    postLogoutRedirectUri: '退出登录后的回调地址',
    console: '登记位置',
    consoleUnknown: '身份提供方的管理控制台',
    passed: '全部检查通过。',
    problems: '个问题需要修正。',
  },
};

const CATALOGS: Record<Lang, Catalog> = { en, zh };

export const say = (lang: Lang, code: string, params: Params): string => CATALOGS[lang][code]?.(params) ?? `${code} ${JSON.stringify(params)}`;

export const label = (lang: Lang, key: keyof (typeof LABELS)['en']): string => LABELS[lang][key];

/** `--lang`, else the locale of LANG / LC_ALL: Chinese for zh*, English otherwise. */
export function langOf(option: string | undefined, env: Record<string, string | undefined>): Lang {
  const chosen = option ?? (env.LC_ALL || env.LANG || '');
  return chosen.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
