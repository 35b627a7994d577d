import { AuthBffError } from '../../errors.js';
import { clientSecret } from '../config-fields.js';
import { isJsonObject } from '../json-body.js';
import { definePlatform } from '../engine/define-platform.js';
import type { PlatformEntry, ProfileTools } from '../engine/platform-spec.js';
import { authorizationParams, bearer, ERROR_MEMBER, refreshCall, tokenCall } from '../engine/rfc6749.js';
import { FULL_REDIRECT_URI, LOCAL_CALLBACK } from '../platform-guide.js';

/*
 * GitHub OAuth apps, and GitHub Enterprise Server with the endpoints overridden
 * (its API sits under https://HOSTNAME/api/v3). Documents:
 * - AUTHORIZING: https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 * - TOKEN_ERRORS: https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
 * - EMAILS: https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user
 * - SCOPES: https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps
 * - REFRESH: https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
 *
 * The token endpoint answers form-encoded unless asked for JSON (AUTHORIZING, step 2;
 * every call sends `Accept: application/json`), and refuses a code with HTTP 200 and
 * `{"error": "bad_verification_code"}` (TOKEN_ERRORS). PKCE S256 is supported since 2025
 * (https://github.blog/changelog/2025-07-14-pkce-support-for-oauth-and-github-app-authentication).
 */

/** SCOPES: `user` includes `user:email`; either lets the BFF list the user's addresses. */
const EMAIL_SCOPES = ['user:email', 'user'];

/**
 * A user who keeps their address private has `email: null` in the profile; the primary
 * verified one is then listed by EMAILS, at the userinfo address plus `/emails` (on
 * github.com and on Enterprise Server alike). The token answer's `scope` lists what the
 * user granted, comma-separated (AUTHORIZING); without it, what was asked for.
 */
async function withPrimaryEmail(profile: Record<string, unknown>, { config, tokens, endpoint, request }: ProfileTools<PlatformEntry>) {
  const granted = (tokens.scope ?? config.scope).split(/[\s,]+/);
  if ((typeof profile.email === 'string' && profile.email !== '') || !granted.some((scope) => EMAIL_SCOPES.includes(scope))) return profile;
  const emailsUrl = new URL(endpoint('userinfo'));
  emailsUrl.pathname = emailsUrl.pathname.replace(/\/*$/, '/emails');
  const emails = await request({ method: 'GET', headers: bearer }, emailsUrl.href);
  if (!Array.isArray(emails)) throw new AuthBffError('profile_failed', "GitHub's emails endpoint did not answer a list.");
  const primary = (emails as unknown[]).find((entry) => isJsonObject(entry) && entry.primary === true && entry.verified === true);
  return isJsonObject(primary) && typeof primary.email === 'string' ? { ...profile, email: primary.email, email_verified: true } : profile;
}

export const github = definePlatform({
  type: 'github',
  name: 'GitHub',
  endpoints: {
    authorization: 'https://github.com/login/oauth/authorize',
    token: 'https://github.com/login/oauth/access_token',
    userinfo: 'https://api.github.com/user',
  },
  scope: 'read:user user:email',
  // AUTHORIZING ("Redirect URLs", "Loopback redirect urls"): one callback URL per OAuth app; http on a loopback host.
  guide: {
    title: 'GitHub',
    ids: 'numeric `id` as a string',
    refresh: 'only for apps with expiring tokens',
    revocation: 'no',
    console: 'github.com/settings/developers (OAuth Apps)',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: `${LOCAL_CALLBACK} on a second OAuth app: an app has one callback URL, and http is allowed on loopback`,
  },
  config: { clientSecret },
  authorization: { params: authorizationParams },
  token: tokenCall(),
  // REFRESH: only for apps that opted in to expiring user tokens; others get no expires_in and never refresh.
  refresh: refreshCall(),
  userinfo: { method: 'GET', headers: bearer },
  // Every REST API request must carry a User-Agent, else GitHub answers 403
  // (https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api#user-agent).
  headers: { 'user-agent': 'bff-auth' },
  refusals: [ERROR_MEMBER],
  user: {
    idFrom: 'userinfo',
    id: ['id'],
    name: ['name'],
    username: ['login'],
    email: ['email'],
    emailVerified: ['email_verified'],
    avatarUrl: ['avatar_url'],
  },
  hooks: { completeProfile: withPrimaryEmail },
  // TOKEN_ERRORS: each refusal by name, with HTTP 200.
  registration: {
    console: 'https://github.com/settings/developers',
    tokenProbe: { path: 'error', invalidCode: ['bad_verification_code'], badClient: ['incorrect_client_credentials'], redirectMismatch: ['redirect_uri_mismatch'] },
  },
});
