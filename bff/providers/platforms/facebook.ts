import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { clientSecret } from '../config-fields.js';
import { definePlatform } from '../engine/define-platform.js';
import { authorizationParamsWithoutPkce, bearer, tokenCall } from '../engine/rfc6749.js';
import { FULL_REDIRECT_URI, LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * Facebook Login on the Graph API. Documents:
 * - LOGIN_FLOW: https://developers.facebook.com/docs/facebook-login/manually-build-a-login-flow#confirm
 * - SECURING: https://developers.facebook.com/docs/graph-api/securing-requests#appsecret_proof
 * - USER: https://developers.facebook.com/docs/graph-api/reference/user#Reading
 * - MAP_USERS: https://developers.facebook.com/documentation/facebook-login/guides/map-users
 * - VERSIONS: https://developers.facebook.com/docs/graph-api/changelog/versions/
 *
 * Errors are Graph error objects, not RFC 6749's: HTTP 400 `{"error": {"message", "type", "code", "fbtrace_id"}}`.
 * PKCE for this flow is UNCONFIRMED, so none is sent. No refresh token: user tokens are
 * long-lived (about 60 days). No revocation: the only way off is `DELETE /me/permissions`,
 * which removes the app from the user's account, more than a logout should do.
 */

/** VERSIONS: each version lives about two years, so the default needs a bump as Facebook retires them (the README says so). */
const graphVersion = z
  .string()
  .regex(/^v\d+\.\d+$/, 'must be a Graph API version such as "v26.0"')
  .default('v26.0');

/** SECURING: lowercase hex HMAC-SHA256 of the access token, keyed with the app secret; required when "Require App Secret" is on. */
const appsecretProof = (accessToken: string, appSecret: string) => createHmac('sha256', appSecret).update(accessToken).digest('hex');

export const facebook = definePlatform({
  type: 'facebook',
  name: 'Facebook',
  endpoints: ({ graphVersion: version }) => ({
    authorization: `https://www.facebook.com/${version}/dialog/oauth`,
    token: `https://graph.facebook.com/${version}/oauth/access_token`,
    userinfo: `https://graph.facebook.com/${version}/me`,
  }),
  // LOGIN_FLOW: comma-separated permissions.
  scope: 'email,public_profile',
  guide: {
    title: 'Facebook',
    ids: 'app-scoped `id`',
    refresh: 'no (tokens last about 60 days)',
    revocation: 'no',
    console: 'developers.facebook.com/apps (Facebook Login → Valid OAuth Redirect URIs)',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: LOCAL_DEVELOPMENT.undocumented,
  },
  config: { clientSecret, graphVersion },
  // LOGIN_FLOW: a denial is `error_reason=user_denied&error=access_denied`; any other error is read as a refusal too.
  callback: { everyErrorMeans: 'access_denied' },
  authorization: { params: authorizationParamsWithoutPkce },
  // LOGIN_FLOW shows a GET with the secret in the query; a POSTed form works as well (Auth.js, Arctic) and keeps it out of URLs.
  token: tokenCall('client_secret_post', { pkce: false }),
  // USER: without `fields` Graph answers only the defaults. The token goes as `Authorization: Bearer`
  // (as oauth4webapi's userinfo request sends it for Auth.js), so only the proof is in the query.
  userinfo: {
    method: 'GET',
    query: ({ config, tokens }) => ({ fields: 'id,name,email,picture', appsecret_proof: appsecretProof(tokens.access_token, config.clientSecret) }),
    headers: bearer,
  },
  refusals: [{ path: 'error.code' }],
  // MAP_USERS: `id` is app-scoped. Facebook does not say the email is verified.
  user: { idFrom: 'userinfo', id: ['id'], name: ['name'], email: ['email'], emailVerified: false, avatarUrl: ['picture.data.url'] },
  // Graph error codes: 100 an invalid parameter (the code), 101 an invalid app id, 1 "Error validating client secret" (UNCONFIRMED: only recognized).
  registration: { console: 'https://developers.facebook.com/apps/', tokenProbe: { path: 'error.code', invalidCode: [100], unknownApp: [101], wrongSecret: [1] } },
});
