/**
 * The provider entries `bff-auth init --providers` writes into server.ts. Each field is a literal
 * or an environment variable (read by server.ts's `required(NAME)`, listed in .env.example), named
 * as a JSON config would write it: `${GITHUB_CLIENT_ID}` (bff/config/expand-env.ts).
 */

/** A field of an entry: a literal, or the environment variable holding it. */
export type InitField = { literal: string } | { env: string };

export interface InitProvider {
  /** The entry's `id` (the callback path) and `type`: the same, one entry per type. */
  id: string;
  fields: Record<string, InitField>;
  /** The console takes the callback's domain only (README, Platforms: "register as redirect"). */
  registersDomain: boolean;
  /** RP-initiated logout: the provider sends the browser back to baseUrl, which it must know. */
  postLogoutRedirect: boolean;
}

/**
 * The built-in types whose entry is `clientId` and `clientSecret` (README, Platforms). `oauth2`
 * (its endpoints) and `alipay` (its keys) need what init cannot guess.
 */
const CLIENT_SECRET_TYPES = [
  'github',
  'wechat',
  'wechat-mp',
  'qq',
  'weibo',
  'gitee',
  'douyin',
  'dingtalk',
  'feishu',
  'lark',
  'google',
  'microsoft',
  'gitlab',
  'slack',
  'linkedin',
  'discord',
  'facebook',
  'x',
];
const DOMAIN_ONLY = new Set(['wechat', 'wechat-mp']);
const BY_HAND = new Set(['oauth2', 'alipay']);

export const INIT_PROVIDER_TYPES: readonly string[] = ['oidc', ...CLIENT_SECRET_TYPES];

/** `WECHAT_MP` for `wechat-mp`. */
const envPrefix = (type: string) => type.toUpperCase().replace(/-/g, '_');

function provider(type: string): InitProvider {
  const prefix = envPrefix(type);
  const credentials = { clientId: { env: `${prefix}_CLIENT_ID` }, clientSecret: { env: `${prefix}_CLIENT_SECRET` } };
  if (type === 'oidc') {
    return {
      id: type,
      fields: { type: { literal: type }, name: { literal: 'Single sign-on' }, issuer: { env: 'OIDC_ISSUER' }, ...credentials },
      registersDomain: false,
      postLogoutRedirect: true,
    };
  }
  return { id: type, fields: { type: { literal: type }, ...credentials }, registersDomain: DOMAIN_ONLY.has(type), postLogoutRedirect: false };
}

/** The entries `--providers a,b` names (default: `oidc`), or the reason it names none init can write. */
export function parseProviders(list: string | undefined): InitProvider[] | string {
  const types = [...new Set((list ?? 'oidc').split(',').map((type) => type.trim()).filter(Boolean))];
  if (types.length === 0) return '--providers needs at least one type, e.g. --providers github,oidc';
  for (const type of types) {
    if (BY_HAND.has(type)) return `--providers: "${type}" needs fields init cannot fill in; add its entry to server.ts by hand (README: Platforms)`;
    if (!INIT_PROVIDER_TYPES.includes(type)) return `--providers: unknown type "${type}"; one of ${INIT_PROVIDER_TYPES.join(', ')}`;
  }
  return types.map(provider);
}

/** Every environment variable the entries read, in order. */
export function providerEnv(providers: InitProvider[]): string[] {
  return providers.flatMap((entry) => Object.values(entry.fields).flatMap((field) => ('env' in field ? [field.env] : [])));
}
