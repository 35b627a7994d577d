import { oidcPlatform } from '../oidc.js';
import { FULL_REDIRECT_URI, LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * Sign in with Slack (OpenID Connect). Documents:
 * - TOKEN: https://docs.slack.dev/reference/methods/openid.connect.token
 * - USERINFO: https://docs.slack.dev/reference/methods/openid.connect.userInfo/
 *
 * Slack answers refusals with HTTP 200 and `{"ok": false, "error": ...}` (TOKEN): the `error`
 * member is a refusal whatever the status, as for every OIDC provider here. A nonce is always
 * sent (without one Slack's ID token carries an empty `nonce`). Client credentials go in the
 * form body: Basic is reported refused on Slack's token methods (UNCONFIRMED for this one, so
 * `tokenEndpointAuthMethod` stays configurable). The team id (`https://slack.com/team_id`)
 * stays in the raw profile: whether `sub` is unique across workspaces is UNCONFIRMED.
 */
export const slack = oidcPlatform({
  type: 'slack',
  guide: {
    title: 'Slack',
    ids: '`sub` (the team id stays in the raw profile)',
    refresh: 'only with token rotation enabled',
    revocation: 'no',
    console: 'api.slack.com/apps (OAuth & Permissions → Redirect URLs)',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: LOCAL_DEVELOPMENT.undocumented,
  },
  issuer: () => 'https://slack.com',
  tokenEndpointAuthMethod: 'client_secret_post',
  extra: {},
  registration: { console: 'https://api.slack.com/apps' },
});
