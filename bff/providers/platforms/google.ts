import { z } from 'zod';
import { oidcPlatform } from '../oidc.js';
import { FULL_REDIRECT_URI, LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * Google (OpenID Connect). Documents:
 * - OIDC: https://developers.google.com/identity/openid-connect/openid-connect
 * - OFFLINE: https://developers.google.com/identity/protocols/oauth2/web-server#offline
 * - LEGACY_ISS: https://developers.google.com/identity/gsi/web/guides/verify-google-id-token
 *
 * `hd` only tunes the account chooser; OIDC (validating an ID token) says to check the
 * token's `hd` claim, which only Workspace accounts carry, so `hostedDomain` is enforced
 * on the token. LEGACY_ISS: `iss` is `https://accounts.google.com` or `accounts.google.com`.
 * A refresh token comes back on the first consent only (UNCONFIRMED in Google's pages), so
 * offline access also asks for consent each time.
 */
export const google = oidcPlatform({
  type: 'google',
  // https://developers.google.com/identity/protocols/oauth2/web-server#uri-validation: plain http only for localhost.
  guide: {
    title: 'Google',
    ids: '`sub`',
    refresh: 'with `"accessType": "offline"`',
    revocation: 'yes (discovery)',
    console: 'console.cloud.google.com (APIs & Services → Credentials, OAuth client ID, Web application)',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: LOCAL_DEVELOPMENT.localhost,
  },
  issuer: () => 'https://accounts.google.com',
  extra: {
    accessType: z.enum(['online', 'offline']).default('online'),
    hostedDomain: z.string().min(1).optional(),
  },
  schemelessIssuer: true,
  authorizationParams: ({ accessType, hostedDomain }) => ({
    access_type: accessType === 'offline' ? 'offline' : undefined,
    prompt: accessType === 'offline' ? 'consent' : undefined,
    hd: hostedDomain,
  }),
  requiredClaims: ({ hostedDomain }) => ({ hd: hostedDomain === undefined ? undefined : [hostedDomain] }),
  registration: { console: 'https://console.cloud.google.com/apis/credentials' },
});
