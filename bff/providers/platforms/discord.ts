import { clientSecret } from '../config-fields.js';
import { definePlatform } from '../engine/define-platform.js';
import { authorizationParamsWithoutPkce, bearer, ERROR_MEMBER, refreshCall, revocationCall, TOKEN_PROBE, tokenCall } from '../engine/rfc6749.js';
import { FULL_REDIRECT_URI, LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * Discord, plain OAuth 2.0 (it also publishes an OIDC discovery document; the profile here is /users/@me). Documents:
 * - OAUTH2: https://discord.com/developers/docs/topics/oauth2#shared-resources-oauth2-urls
 * - IMAGES: https://discord.com/developers/docs/reference#image-formatting
 * - USER: https://discord.com/developers/docs/resources/user#user-object
 *
 * The token endpoint takes form bodies only and the client by Basic or in the body (OAUTH2);
 * errors are RFC 6749 JSON. PKCE is not in OAUTH2 and is reported unsupported for confidential
 * clients (UNCONFIRMED), so none is sent. The denial form is not documented (UNCONFIRMED):
 * any `error` on the callback is read as the user's refusal.
 */

const CDN = 'https://cdn.discordapp.com';

/**
 * IMAGES: the avatar from its hash, a GIF when the hash starts with `a_`; without one the
 * default avatar, index `(id >> 22) % 6` on the new username system (discriminator "0") and
 * `discriminator % 5` on the legacy one. The id is a 64-bit snowflake, so the shift is BigInt's.
 */
function withAvatarUrl(profile: Record<string, unknown>): Record<string, unknown> {
  const { id, avatar, discriminator } = profile;
  if (typeof id !== 'string' || !/^\d+$/.test(id)) return profile;
  if (typeof avatar === 'string' && avatar !== '') {
    return { ...profile, avatar_url: `${CDN}/avatars/${id}/${avatar}.${avatar.startsWith('a_') ? 'gif' : 'png'}` };
  }
  const legacy = typeof discriminator === 'string' && /^\d+$/.test(discriminator) && discriminator !== '0';
  const index = legacy ? Number(discriminator) % 5 : Number((BigInt(id) >> 22n) % 6n);
  return { ...profile, avatar_url: `${CDN}/embed/avatars/${index}.png` };
}

export const discord = definePlatform({
  type: 'discord',
  name: 'Discord',
  endpoints: {
    authorization: 'https://discord.com/oauth2/authorize',
    token: 'https://discord.com/api/oauth2/token',
    userinfo: 'https://discord.com/api/users/@me',
    revocation: 'yes (revokes the whole authorization)',
  },
  // OAUTH2: `identify` for /users/@me, `email` for its `email` and `verified`.
  scope: 'identify email',
  guide: {
    title: 'Discord',
    ids: 'snowflake `id` (a string past 2^53)',
    refresh: 'yes',
    revocation: 'yes (revokes the whole authorization)',
    console: 'discord.com/developers/applications (OAuth2 → Redirects)',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: LOCAL_DEVELOPMENT.undocumented,
  },
  config: { clientSecret },
  callback: { everyErrorMeans: 'access_denied' },
  authorization: { params: authorizationParamsWithoutPkce },
  token: tokenCall('client_secret_post', { pkce: false }),
  // OAUTH2: whether the refresh token rotates is not said (UNCONFIRMED): the engine keeps the one each answer brings.
  refresh: refreshCall(),
  // OAUTH2: revoking a token ends the whole authorization.
  revocation: revocationCall(),
  // USER: a bad token is answered 401 `{"message", "code"}`, failing the step by its status.
  userinfo: { method: 'GET', headers: bearer },
  refusals: [ERROR_MEMBER],
  // USER: `id` is a snowflake string (past 2^53: never a number), global across apps; `global_name` is the display name, null when unset.
  user: {
    idFrom: 'userinfo',
    id: ['id'],
    name: ['global_name', 'username'],
    username: ['username'],
    email: ['email'],
    emailVerified: ['verified'],
    avatarUrl: ['avatar_url'],
    locale: ['locale'],
  },
  hooks: { completeProfile: async (profile) => withAvatarUrl(profile) },
  registration: { console: 'https://discord.com/developers/applications', tokenProbe: TOKEN_PROBE },
});
