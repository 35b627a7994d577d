/**
 * Sign in with Apple (web) on the platform emulator, answering as Apple's documents say:
 * - https://developer.apple.com/documentation/sign_in_with_apple/generate_and_validate_tokens (the client secret, the token call)
 * - https://developer.apple.com/documentation/signinwithapplejs/incorporating_sign_in_with_apple_into_other_platforms (form_post, `user`)
 * - https://developer.apple.com/documentation/sign_in_with_apple/errorresponse (400 `{"error"}`)
 * - the discovery document as published (https://appleid.apple.com/.well-known/openid-configuration, via panva/wellknown)
 * The authorization step answers with a page that POSTs the result to the redirect URI (form_post):
 * `code`, `state` and, on the user's first authorization only, `user` (JSON with the name); a denial
 * posts `error=user_cancelled_authorize`. The token endpoint takes the client in the form body, its
 * secret an ES256 JWT it verifies with the app key's public half (kid, iss = team, sub = client,
 * aud = issuer, at most six months). ID tokens are RS256, `email_verified` a string as Apple often
 * sends it. A refresh brings no new refresh token and no ID token.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { formPostPage, type Outage } from './emulator-server.js';
import { refreshByGrantType, startPlatformEmulator, type Answer, type EmulatorRequest, type EmulatorTools, type PlatformEmulator } from './platform-emulator.js';

export interface AppleBehavior extends Record<string, string> {
  authorize: 'approve' | 'deny';
  token: 'ok' | 'invalid-grant' | Outage;
  refresh: 'ok' | 'invalid-grant';
  discovery: 'ok' | Outage;
  keys: 'ok' | Outage;
  revoke: 'ok' | Outage;
}

export interface AppleUser {
  /** Per team. */
  sub: string;
  email: string;
  /** Apple sends a String or a Boolean. */
  email_verified: string | boolean;
  is_private_email: string | boolean;
  firstName: string;
  lastName: string;
  /** Whether the user authorized the app before: `user` is posted on the first authorization only. */
  authorized: boolean;
}

export interface AppleEmulator extends PlatformEmulator<AppleBehavior, AppleUser> {
  /** The issuer, `origin` here (Apple's is https://appleid.apple.com). */
  issuer: string;
  teamId: string;
  keyId: string;
  /** The app's `.p8` key, as the developer downloads it; the emulator knows only its public half. */
  privateKeyPem: string;
  /** Every client secret it accepted, at any endpoint. */
  acceptedSecrets: string[];
}

export const APPLE_PATHS = { authorization: '/auth/authorize', token: '/auth/token', jwks: '/auth/keys', revocation: '/auth/revoke' };

/** Apple's maximum client secret lifetime, in seconds (15777000, six months). */
const MAX_SECRET_LIFETIME = 15_777_000;

const error = (name: string, description?: string): Answer => ({ status: 400, body: { error: name, ...(description === undefined ? {} : { error_description: description }) } });

/** A P-256 key pair as Apple issues it for Sign in with Apple: PKCS#8 PEM for the developer. */
export function appleAppKey(): { privateKeyPem: string; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey };
}

/** Keys are made once per test file: RSA generation is slow on a loaded machine. */
let keys: Promise<{ app: ReturnType<typeof appleAppKey>; idToken: { privateKey: CryptoKey; jwk: JWK } }> | undefined;
const emulatorKeys = () =>
  (keys ??= (async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    return { app: appleAppKey(), idToken: { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'emulator1', alg: 'RS256', use: 'sig' } } };
  })());

export async function startAppleEmulator(): Promise<AppleEmulator> {
  const { app, idToken } = await emulatorKeys();
  const teamId = 'EMUTEAM001';
  const keyId = 'EMUKEY0001';
  let issuer = '';
  const nonces = new Map<string, string>();
  const acceptedSecrets: string[] = [];

  /** The client_secret JWT, checked as Apple does: any fault is `invalid_client`. */
  const clientRefused = async (apple: EmulatorTools<AppleUser>, { body }: EmulatorRequest): Promise<Answer | undefined> => {
    if (body.client_id !== apple.clientId || body.client_secret === undefined) return error('invalid_client');
    try {
      if (decodeProtectedHeader(body.client_secret).kid !== keyId) return error('invalid_client');
      const { payload } = await jwtVerify(body.client_secret, app.publicKey, { algorithms: ['ES256'], issuer: teamId, subject: apple.clientId, audience: issuer, requiredClaims: ['iat', 'exp'] });
      if ((payload.exp ?? 0) - (payload.iat ?? 0) > MAX_SECRET_LIFETIME) return error('invalid_client');
      acceptedSecrets.push(body.client_secret);
      return undefined;
    } catch {
      return error('invalid_client');
    }
  };

  const signIdToken = (apple: EmulatorTools<AppleUser>, nonce: string | undefined) => {
    const { sub, email, email_verified, is_private_email } = apple.user;
    const claims = { sub, email, email_verified, is_private_email, auth_time: Math.floor(Date.now() / 1000), nonce_supported: true, ...(nonce ? { nonce } : {}) };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: idToken.jwk.kid })
      .setIssuer(issuer)
      .setAudience(apple.clientId)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(idToken.privateKey);
  };

  const emulator = await startPlatformEmulator<AppleBehavior, AppleUser>({
    name: 'Apple',
    behavior: { authorize: 'approve', token: 'ok', refresh: 'ok', discovery: 'ok', keys: 'ok', revoke: 'ok' },
    user: () => ({
      sub: '001234.0a1b2c3d4e5f60718293a4b5c6d7e8f9.1234',
      email: 'k7x2q9@privaterelay.appleid.com',
      email_verified: 'true',
      is_private_email: 'true',
      firstName: 'Jane',
      lastName: 'Appleseed',
      authorized: false,
    }),
    clientId: () => 'com.example.web',
    tokens: { code: 'c', access: 'a', refresh: 'r', encoding: 'hex' },
    expiresIn: 3600,
    contentType: 'application/json;charset=UTF-8',
    notFound: { status: 404, type: 'text/html', body: '<html><body>Not Found</body></html>' },
    routeOf: refreshByGrantType('grant_type'),
    routes: (apple) => ({
      'GET /.well-known/openid-configuration': {
        behavior: 'discovery',
        handle: () => ({
          body: {
            issuer,
            authorization_endpoint: issuer + APPLE_PATHS.authorization,
            token_endpoint: issuer + APPLE_PATHS.token,
            revocation_endpoint: issuer + APPLE_PATHS.revocation,
            jwks_uri: issuer + APPLE_PATHS.jwks,
            response_types_supported: ['code'],
            response_modes_supported: ['query', 'fragment', 'form_post'],
            subject_types_supported: ['pairwise'],
            id_token_signing_alg_values_supported: ['RS256'],
            scopes_supported: ['openid', 'email', 'name'],
            token_endpoint_auth_methods_supported: ['client_secret_post'],
            claims_supported: ['aud', 'email', 'email_verified', 'exp', 'iat', 'is_private_email', 'iss', 'nonce', 'nonce_supported', 'real_user_status', 'sub', 'transfer_sub'],
          },
        }),
      },
      [`GET ${APPLE_PATHS.jwks}`]: { behavior: 'keys', handle: () => ({ body: { keys: [idToken.jwk] } }) },
      [`GET ${APPLE_PATHS.authorization}`]: {
        behavior: 'authorize',
        handle: ({ query }, now) => {
          // "response_mode must be form_post when name or email scope is requested": an error page, no redirect.
          if (query.client_id !== apple.clientId || query.response_type !== 'code' || query.response_mode !== 'form_post' || !URL.canParse(query.redirect_uri ?? '')) {
            return { status: 400, type: 'text/html', body: '<html><body>invalid_request</body></html>' };
          }
          const state: Record<string, string> = query.state === undefined ? {} : { state: query.state };
          if (now === 'deny') return formPostPage(query.redirect_uri ?? '', { error: 'user_cancelled_authorize', ...state });
          const code = apple.grants.code({ redirectUri: query.redirect_uri ?? '', scope: query.scope ?? '' });
          if (query.nonce !== undefined) nonces.set(code, query.nonce);
          const { firstName, lastName, email, authorized } = apple.user;
          apple.user.authorized = true;
          const user: Record<string, string> = authorized || !query.scope?.includes('name') ? {} : { user: JSON.stringify({ name: { firstName, lastName }, email }) };
          return formPostPage(query.redirect_uri ?? '', { ...state, code, ...user });
        },
      },
      [`POST ${APPLE_PATHS.token}`]: {
        behavior: 'token',
        handle: async (request, now) => {
          const refused = await clientRefused(apple, request);
          if (refused) return refused;
          const { code = '', redirect_uri: redirectUri } = request.body;
          const redeemed = apple.grants.redeem(code, { redirectUri });
          if (now !== 'ok' || typeof redeemed === 'string') return error('invalid_grant', 'The code has already been used.');
          const { accessToken, refreshToken } = apple.grants.tokens(redeemed.scope);
          const idTokenValue = await signIdToken(apple, nonces.get(code));
          return { body: { access_token: accessToken, token_type: 'Bearer', expires_in: apple.expiresIn, refresh_token: refreshToken, id_token: idTokenValue } };
        },
      },
      [`POST ${APPLE_PATHS.token} refresh`]: {
        behavior: 'refresh',
        handle: async (request, now) => {
          const refused = await clientRefused(apple, request);
          if (refused) return refused;
          const refreshed = now === 'ok' ? apple.grants.refresh(request.body.refresh_token, false) : undefined;
          if (!refreshed) return error('invalid_grant');
          return { body: { access_token: refreshed.accessToken, token_type: 'Bearer', expires_in: apple.expiresIn } };
        },
      },
      [`POST ${APPLE_PATHS.revocation}`]: {
        behavior: 'revoke',
        handle: async (request) => (await clientRefused(apple, request)) ?? { body: '' },
      },
    }),
  });
  issuer = emulator.origin;
  return Object.assign(emulator, { issuer, teamId, keyId, privateKeyPem: app.privateKeyPem, acceptedSecrets });
}

/** A BFF config entry for the emulator, as an app configures Apple: the team, the key id and the `.p8` key instead of a client secret. */
export const appleEntry = (apple: AppleEmulator, id = 'apple') => ({
  id,
  type: 'apple' as const,
  issuer: apple.issuer,
  clientId: apple.clientId,
  teamId: apple.teamId,
  keyId: apple.keyId,
  privateKey: apple.privateKeyPem,
});
