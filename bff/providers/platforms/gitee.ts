import { clientSecret } from '../config-fields.js';
import { definePlatform } from '../engine/define-platform.js';
import { bearer, ERROR_MEMBER, TOKEN_PROBE } from '../engine/rfc6749.js';
import { FULL_REDIRECT_URI, LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * Gitee (码云). Documents:
 * - OAUTH: https://gitee.com/api/v5/oauth_doc
 * - USER: https://gitee.com/api/v5/swagger#/getV5User
 * Standard code flow with RFC 6749 error bodies; PKCE is not documented, so not sent.
 * The user's `email` is often null (it needs the `emails` scope and a public address).
 */
export const gitee = definePlatform({
  type: 'gitee',
  name: 'Gitee',
  endpoints: {
    authorization: 'https://gitee.com/oauth/authorize',
    token: 'https://gitee.com/oauth/token',
    userinfo: 'https://gitee.com/api/v5/user',
  },
  // OAUTH: space-separated.
  scope: 'user_info',
  guide: {
    title: 'Gitee',
    ids: 'numeric `id` as a string',
    refresh: 'yes',
    revocation: 'no',
    console: 'gitee.com/oauth/applications',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: LOCAL_DEVELOPMENT.undocumented,
  },
  config: { clientSecret },
  authorization: {
    params: ({ config, redirectUri, state }) => ({ client_id: config.clientId, redirect_uri: redirectUri, response_type: 'code', scope: config.scope, state }),
  },
  // OAUTH: the secret in the POST body (the document recommends it over the query), the rest in the query.
  token: {
    method: 'POST',
    query: ({ config, code, redirectUri }) => ({ grant_type: 'authorization_code', code, client_id: config.clientId, redirect_uri: redirectUri }),
    form: ({ config }) => ({ client_secret: config.clientSecret }),
  },
  // OAUTH: no client credentials; whether the refresh token rotates is UNCONFIRMED, so the answer's is kept.
  refresh: { method: 'POST', query: ({ tokens }) => ({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }) },
  userinfo: { method: 'GET', headers: bearer },
  // Requests without a User-Agent are refused with 403 (JustAuth's AuthGiteeRequest).
  headers: { 'user-agent': 'bff-auth' },
  refusals: [ERROR_MEMBER],
  user: { idFrom: 'userinfo', id: ['id'], name: ['name'], username: ['login'], email: ['email'], avatarUrl: ['avatar_url'] },
  registration: { console: 'https://gitee.com/oauth/applications', tokenProbe: TOKEN_PROBE },
});
