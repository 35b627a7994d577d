import { oidcPlatform } from '../oidc.js';
import { FULL_REDIRECT_URI, LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * Sign In with LinkedIn using OpenID Connect. Documents:
 * - SIGN_IN: https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
 * - CODE_FLOW: https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
 *
 * The issuer is `https://www.linkedin.com/oauth` (a path: discovery is read below it). Client
 * credentials go in the form body (CODE_FLOW). LinkedIn answers a `code_verifier` with
 * `invalid_client` and does not support the `nonce`, as reported in
 * https://github.com/nextauthjs/next-auth/issues/8831 (UNCONFIRMED in LinkedIn's pages): neither
 * is sent. Its cancel codes `user_cancelled_authorize` and `user_cancelled_login` mean `access_denied`.
 */
export const linkedin = oidcPlatform({
  type: 'linkedin',
  guide: {
    title: 'LinkedIn',
    ids: '`sub`',
    refresh: 'partners only',
    revocation: 'no',
    console: 'linkedin.com/developers/apps (Auth → Authorized redirect URLs)',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: LOCAL_DEVELOPMENT.undocumented,
  },
  issuer: () => 'https://www.linkedin.com/oauth',
  tokenEndpointAuthMethod: 'client_secret_post',
  withoutPkce: true,
  withoutNonce: true,
  extra: {},
  registration: { console: 'https://www.linkedin.com/developers/apps' },
});
