import { oidcPlatform } from '../oidc.js';
import { FULL_REDIRECT_URI, LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * GitLab as an OpenID Connect provider, gitlab.com or a self-managed instance through
 * `issuer` (with its relative URL root, if any). Document:
 * https://docs.gitlab.com/integration/openid_connect_provider
 *
 * `sub` is the user's id; `nickname` is the GitLab username. Older versions put `nickname`
 * in the userinfo answer only, which the profile step reads after the ID token.
 */
export const gitlab = oidcPlatform({
  type: 'gitlab',
  guide: {
    title: 'GitLab',
    ids: '`sub`',
    refresh: 'yes, rotating',
    revocation: 'yes (discovery)',
    console: 'gitlab.com/-/user_settings/applications (or your instance\'s)',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: LOCAL_DEVELOPMENT.undocumented,
  },
  issuer: () => 'https://gitlab.com',
  extra: {},
  fields: { username: ['nickname', 'preferred_username'] },
  registration: { console: 'https://gitlab.com/-/user_settings/applications' },
});
