import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { oidcPlatform } from '../oidc.js';
import { FULL_REDIRECT_URI } from '../platform-guide.js';

/*
 * Sign in with Apple (OpenID Connect, web). Documents:
 * - TOKENS: https://developer.apple.com/documentation/sign_in_with_apple/generate_and_validate_tokens
 * - AUTHORIZE: https://developer.apple.com/documentation/signinwithapplejs/incorporating_sign_in_with_apple_into_other_platforms
 * - USER: https://developer.apple.com/documentation/signinwithapplejs/useri (`user`, first authorization only)
 * - EMAIL_VERIFIED: https://developer.apple.com/forums/thread/662175 (a String or a Boolean)
 *
 * With the `name` or `email` scope Apple answers only with `response_mode=form_post`
 * (AUTHORIZE): the callback is a cross-site POST, so the login's transaction cookie is
 * `SameSite=None; Secure` (transactions.ts). The posted `user` JSON carries the name on the
 * first authorization only (USER) and is not signed: it gives the display name and nothing
 * else; the id and the email come from the ID token. There is no client secret: the client
 * makes one per token call, an ES256 JWT signed with the `.p8` key (TOKENS); the token
 * endpoint takes it in the form body only. Apple's discovery lists no PKCE method and no
 * userinfo endpoint; whether Apple checks a `code_verifier` is UNCONFIRMED
 * (platforms-global.md, Apple), so none is sent.
 */

/** Short, since a new one is made for every call; Apple accepts up to six months (TOKENS). */
const CLIENT_SECRET_LIFETIME = '5m';

/** The `.p8` key Apple issues: a P-256 private key in PKCS#8 PEM, parsed once at start so that a bad one fails the config naming its field. */
const es256Key = z.string().transform((pem, context): KeyObject => {
  let key: KeyObject | undefined;
  try {
    key = pem.trimStart().startsWith('-----BEGIN PRIVATE KEY-----') ? createPrivateKey(pem) : undefined;
  } catch {
    key = undefined;
  }
  if (key?.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return key;
  context.addIssue({ code: 'custom', message: 'must be the P-256 private key Apple issues (the .p8 file: PKCS#8 PEM, "-----BEGIN PRIVATE KEY-----")' });
  return z.NEVER;
});

const appleId = (what: string) => z.string().regex(/^[A-Za-z0-9]+$/, `must be the ${what} from the Apple developer account`);

export const apple = oidcPlatform({
  type: 'apple',
  guide: {
    title: 'Apple',
    ids: '`sub` (per developer team)',
    refresh: 'yes (no new refresh token)',
    revocation: 'yes (discovery)',
    console: 'developer.apple.com (Certificates, Identifiers & Profiles → Services IDs: Sign in with Apple; Keys: a Sign in with Apple key)',
    redirect: `${FULL_REDIRECT_URI}, https only (the Services ID's Return URLs)`,
    localDevelopment: 'a public https origin: a tunnel, or a locally trusted certificate on a development hostname (Apple takes https redirect URIs only)',
  },
  registration: { console: 'https://developer.apple.com/account/resources/identifiers/list/serviceId' },
  issuer: () => 'https://appleid.apple.com',
  scope: 'name email',
  withoutOpenidScope: true,
  tokenEndpointAuthMethod: 'client_secret_post',
  withoutPkce: true,
  responseMode: 'form_post',
  postedName: { param: 'user', paths: ['name.firstName', 'name.lastName'] },
  clientSecret: {
    fields: { teamId: appleId('Team ID'), keyId: appleId('Key ID of the Sign in with Apple key'), privateKey: es256Key },
    make: ({ teamId, keyId, privateKey }, { clientId, issuer }) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: keyId })
        .setIssuer(teamId)
        .setSubject(clientId)
        .setAudience(issuer)
        .setIssuedAt()
        .setExpirationTime(CLIENT_SECRET_LIFETIME)
        .sign(privateKey),
  },
  extra: {},
});
