/**
 * A small OpenID Provider for tests, built on jose and node:http, that can be told to do
 * what a well-behaved provider never does: fail, hang, lie in its ID token or userinfo,
 * send the wrong `iss`. With the default behavior it is a correct provider (code flow,
 * PKCE S256, client_secret_basic or client_secret_post, RS256 ID tokens). It shows no
 * login page: /authorize redirects back at once with a code for 'hostile-user-1'.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { switchable, type Switchable } from '../../emulators/switchable.js';

export type Outage = 'ok' | 'status-500' | 'hang';

/** An answer given as is, whatever the request: for malformed, truncated, huge or mistyped answers. */
export interface RawAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type Endpoint = 'discovery' | 'jwks' | 'token' | 'userinfo';

export interface Behavior {
  discovery: Outage;
  /** Merged into the discovery document, e.g. a hostile `end_session_endpoint`. */
  discoveryOverrides: Record<string, unknown>;
  jwks: Outage;
  /** The `iss` parameter on the redirect back (RFC 9207): its issuer, the attacker's, none, or this one. */
  callbackIss: 'correct' | 'wrong' | 'missing' | { iss: string };
  /** When set, the redirect back carries `error=<value>` and no code. */
  callbackError?: string;
  token: Outage | 'invalid_grant' | 'not-json' | 'error-200';
  idToken:
    | 'ok'
    | 'wrong-nonce'
    | 'wrong-key'
    | 'unknown-kid-unpublished'
    | 'alg-none'
    | 'wrong-issuer'
    | 'wrong-audience'
    | 'expired'
    | 'future-iat'
    | 'azp-other'
    | 'no-nonce'
    | 'no-exp'
    | 'no-iat'
    | 'missing';
  /** Whether a refresh answer carries an ID token (OIDC Core §12.2), and for whom. */
  refreshIdToken: 'none' | 'same-subject' | 'other-subject';
  userinfo: Outage | 'sub-mismatch' | 'not-json';
  /** `expires_in` of the access tokens it issues, in seconds. */
  accessTokenLifetime: number;
  /** Endpoints that answer this instead of their usual answer. */
  raw: Partial<Record<Endpoint, RawAnswer>>;
  /** `refused`: as LinkedIn, no PKCE at all, a `code_verifier` at the token endpoint gets `invalid_client`. */
  pkce: 'required' | 'refused';
  /** Claims merged into the ID tokens it signs (`iss` included); an undefined one is left out. */
  idTokenClaims: Record<string, unknown>;
  /** Claims merged into its userinfo answers; an undefined one is left out. */
  userinfoClaims: Record<string, unknown>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, string>;
  headers: Record<string, string>;
}

export interface HostileProvider extends Switchable<Behavior> {
  issuer: string;
  /** Its scheme, host and port: `issuer` without the issuer's path. */
  origin: string;
  clientId: string;
  clientSecret: string;
  /** A new signing key with a new kid; the JWKS then publishes only the new key. */
  rotateKey: () => Promise<void>;
  /** The session id of the login `code` was issued to (`sessionIds`), or undefined. */
  sidOf: (code: string) => string | undefined;
  /** A back-channel logout token (OIDC Back-Channel Logout 1.0 §2.4) signed with its key; an undefined claim is left out. */
  signLogoutToken: (claims?: JWTPayload) => Promise<string>;
  requests: RecordedRequest[];
  /** Every code, access token, refresh token and ID token issued. */
  issued: string[];
  close: () => Promise<void>;
}

export const HOSTILE_SUBJECT = 'hostile-user-1';
export const ATTACKER_ISSUER = 'https://attacker.example.test';
const BACKCHANNEL_LOGOUT = 'http://schemas.openid.net/event/backchannel-logout';

const DEFAULT_BEHAVIOR: Behavior = {
  discovery: 'ok',
  discoveryOverrides: {},
  jwks: 'ok',
  callbackIss: 'correct',
  token: 'ok',
  idToken: 'ok',
  refreshIdToken: 'none',
  userinfo: 'ok',
  accessTokenLifetime: 3600,
  raw: {},
  idTokenClaims: {},
  userinfoClaims: {},
  pkce: 'required',
};

const ENDPOINTS = new Map<string, Endpoint>([
  ['/.well-known/openid-configuration', 'discovery'],
  ['/jwks', 'jwks'],
  ['/token', 'token'],
  ['/userinfo', 'userinfo'],
]);

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

interface PendingCode {
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  /** The login's session id at the provider, with `sessionIds`. */
  sid?: string;
  used: boolean;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: Record<string, string>;
}

export async function startHostileProvider(
  options: {
    clientId?: string;
    clientSecret?: string;
    /** Its issuer's path, under which it serves everything (`/common/v2.0`). */
    issuerPath?: string;
    /** Each login gets a session id of its own, the `sid` claim of its ID token (Back-Channel Logout 1.0 §2.1), told by `sidOf(code)`. */
    sessionIds?: boolean;
  } = {},
): Promise<HostileProvider> {
  const issuerPath = options.issuerPath ?? '';
  const clientId = options.clientId ?? 'hostile-client';
  const clientSecret = options.clientSecret ?? `hostile-secret-${randomBytes(12).toString('hex')}`;
  const behavior = switchable(DEFAULT_BEHAVIOR);
  let key = await firstKey();
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Set<string>();
  const refreshTokens = new Set<string>();
  const requests: RecordedRequest[] = [];
  const issued: string[] = [];

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: 'server_error', error_description: String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}${issuerPath}`;

  function mint(prefix: string): string {
    const value = `${prefix}-${randomBytes(24).toString('base64url')}`;
    issued.push(value);
    return value;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', origin);
    if (issuerPath && url.pathname.startsWith(`${issuerPath}/`)) url.pathname = url.pathname.slice(issuerPath.length);
    const body = req.method === 'POST' ? Object.fromEntries(new URLSearchParams(await readBody(req))) : {};
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
      ),
    });
    const exchange: Exchange = { req, res, url, body };
    const endpoint = ENDPOINTS.get(url.pathname);
    const raw = endpoint && behavior.now.raw[endpoint];
    if (raw) {
      res.writeHead(raw.status, { 'content-type': raw.contentType }).end(raw.body);
      return;
    }

    switch (`${req.method} ${url.pathname}`) {
      case 'GET /.well-known/openid-configuration':
        if (!outage(res, behavior.now.discovery)) json(res, 200, discovery());
        return;
      case 'GET /jwks':
        if (!outage(res, behavior.now.jwks)) json(res, 200, { keys: [key.publicJwk] });
        return;
      case 'GET /authorize':
        return authorize(exchange);
      case 'POST /token':
        return token(exchange);
      case 'GET /userinfo':
      case 'POST /userinfo':
        return userinfo(exchange);
      case 'POST /revoke':
        accessTokens.delete(body.token ?? '');
        refreshTokens.delete(body.token ?? '');
        res.writeHead(200).end();
        return;
      case 'GET /logout':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><title>Signed out</title><p>You are signed out of the hostile provider.</p>');
        return;
      default:
        json(res, 404, { error: 'not_found' });
    }
  }

  function discovery() {
    return {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      revocation_endpoint: `${issuer}/revoke`,
      end_session_endpoint: `${issuer}/logout`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      authorization_response_iss_parameter_supported: true,
      ...behavior.now.discoveryOverrides,
    };
  }

  function authorize({ res, url }: Exchange) {
    const query = url.searchParams;
    const redirectUri = query.get('redirect_uri');
    const codeChallenge = query.get('code_challenge');
    if (query.get('client_id') !== clientId || !redirectUri || !URL.canParse(redirectUri)) {
      return json(res, 400, { error: 'invalid_request', error_description: 'unknown client_id or bad redirect_uri' });
    }
    const pkceOk = behavior.now.pkce === 'refused' ? !query.has('code_challenge') : query.get('code_challenge_method') === 'S256' && !!codeChallenge;
    if (query.get('response_type') !== 'code' || !pkceOk) {
      return json(res, 400, { error: 'invalid_request', error_description: 'response_type code and PKCE as configured required' });
    }

    const back = new URL(redirectUri);
    if (behavior.now.callbackError !== undefined) {
      back.searchParams.set('error', behavior.now.callbackError);
    } else {
      const code = mint('code');
      const nonce = query.get('nonce') ?? undefined;
      codes.set(code, {
        redirectUri,
        codeChallenge: codeChallenge ?? '',
        used: false,
        ...(nonce === undefined ? {} : { nonce }),
        ...(options.sessionIds ? { sid: mint('sid') } : {}),
      });
      back.searchParams.set('code', code);
    }
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const callbackIss = behavior.now.callbackIss;
    if (callbackIss !== 'missing') {
      back.searchParams.set('iss', typeof callbackIss === 'object' ? callbackIss.iss : callbackIss === 'correct' ? issuer : ATTACKER_ISSUER);
    }
    res.writeHead(302, { location: back.href }).end();
  }

  async function token({ req, res, body }: Exchange) {
    switch (behavior.now.token) {
      case 'ok':
        break;
      case 'invalid_grant':
        return json(res, 400, { error: 'invalid_grant', error_description: 'told to refuse' });
      case 'not-json':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Service temporarily unavailable</body></html>');
        return;
      case 'error-200':
        return json(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
      default:
        outage(res, behavior.now.token);
        return;
    }
    if (authenticatedClient(req, body) !== clientId) {
      res.setHeader('www-authenticate', 'Basic realm="token"');
      return json(res, 401, { error: 'invalid_client' });
    }

    if (body.grant_type === 'refresh_token') {
      const presented = body.refresh_token ?? '';
      if (!refreshTokens.delete(presented)) return invalidGrant(res, 'unknown refresh token');
      const mode = behavior.now.refreshIdToken;
      const idToken = mode === 'none' ? undefined : await idTokenFor(undefined, mode === 'other-subject' ? 'someone-else' : HOSTILE_SUBJECT);
      return json(res, 200, { ...tokenSet(), ...(idToken === undefined ? {} : { id_token: idToken }) });
    }
    if (body.grant_type !== 'authorization_code') {
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    const pending = codes.get(body.code ?? '');
    if (!pending || pending.used) return invalidGrant(res, 'unknown or used code');
    pending.used = true;
    if (body.redirect_uri !== pending.redirectUri) return invalidGrant(res, 'redirect_uri does not match');
    if (behavior.now.pkce === 'refused') {
      if (body.code_verifier !== undefined) return json(res, 401, { error: 'invalid_client' });
    } else if (!body.code_verifier || s256(body.code_verifier) !== pending.codeChallenge) {
      return invalidGrant(res, 'PKCE verification failed');
    }
    const idToken = await idTokenFor(pending.nonce, HOSTILE_SUBJECT, pending.sid);
    return json(res, 200, { ...tokenSet(), ...(idToken === undefined ? {} : { id_token: idToken }) });
  }

  /** The tokens of an answer; a refresh carries an ID token only when `refreshIdToken` says so. */
  function tokenSet() {
    const accessToken = mint('at');
    const refreshToken = mint('rt');
    accessTokens.add(accessToken);
    refreshTokens.add(refreshToken);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: behavior.now.accessTokenLifetime, refresh_token: refreshToken };
  }

  function authenticatedClient(req: IncomingMessage, body: Record<string, string>): string | undefined {
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (basic) {
      // RFC 6749 2.3.1: both halves are form-urlencoded before base64.
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const [id, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)].map(formDecode);
      return colon >= 0 && secret === clientSecret ? id : undefined;
    }
    return body.client_secret === clientSecret ? body.client_id : undefined;
  }

  async function idTokenFor(nonce: string | undefined, subject = HOSTILE_SUBJECT, sid?: string): Promise<string | undefined> {
    const mode = behavior.now.idToken;
    if (mode === 'missing') return undefined;

    const now = Math.floor(Date.now() / 1000);
    const issuedAt = mode === 'expired' ? now - 3600 : mode === 'future-iat' ? now + 600 : now;
    const payload: JWTPayload = {
      iss: mode === 'wrong-issuer' ? ATTACKER_ISSUER : issuer,
      aud: mode === 'wrong-audience' ? 'someone-else' : clientId,
      sub: subject,
      ...(mode === 'no-iat' ? {} : { iat: issuedAt }),
      ...(mode === 'no-exp' ? {} : { exp: mode === 'expired' ? now - 1800 : issuedAt + 300 }),
      auth_time: issuedAt,
      ...(mode === 'azp-other' ? { azp: 'another-client' } : {}),
      ...(sid === undefined ? {} : { sid }),
      ...(mode === 'wrong-nonce' ? { nonce: 'not-the-nonce-you-sent' } : nonce === undefined || mode === 'no-nonce' ? {} : { nonce }),
      ...behavior.now.idTokenClaims,
    };
    let value: string;
    if (mode === 'alg-none') {
      value = `${base64urlJson({ alg: 'none', typ: 'JWT' })}.${base64urlJson(payload)}.`;
    } else {
      const signer =
        mode === 'wrong-key'
          ? { ...(await unpublishedKey()), kid: key.kid }
          : mode === 'unknown-kid-unpublished'
            ? await unpublishedKey()
            : key;
      value = await new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid: signer.kid, typ: 'JWT' })
        .sign(signer.privateKey);
    }
    issued.push(value);
    return value;
  }

  function userinfo({ req, res }: Exchange) {
    const mode = behavior.now.userinfo;
    if (mode === 'not-json') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Please sign in</body></html>');
      return;
    }
    if (mode !== 'sub-mismatch' && outage(res, mode)) return;

    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !accessTokens.has(bearer)) {
      res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      return json(res, 401, { error: 'invalid_token' });
    }
    json(res, 200, {
      sub: mode === 'sub-mismatch' ? 'someone-else' : HOSTILE_SUBJECT,
      name: 'Hostile User',
      email: 'hostile@example.test',
      email_verified: true,
      picture: 'https://avatars.example.test/hostile-user-1.png',
      ...behavior.now.userinfoClaims,
    });
  }

  return {
    issuer,
    origin,
    clientId,
    clientSecret,
    requests,
    issued,
    behave: behavior.behave,
    reset: behavior.reset,
    rotateKey: async () => {
      key = await newSigningKey();
    },
    sidOf: (code) => codes.get(code)?.sid,
    signLogoutToken: (claims = {}) => {
      const usual = { iss: issuer, aud: clientId, iat: Math.floor(Date.now() / 1000), jti: mint('jti'), sid: 'hostile-sid', events: { [BACKCHANNEL_LOGOUT]: {} } };
      const payload = Object.fromEntries(Object.entries({ ...usual, ...claims }).filter(([, value]) => value !== undefined));
      return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'logout+jwt' }).sign(key.privateKey);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Answers an outage and returns true, or returns false for 'ok'. 'hang' never answers. */
function outage(res: ServerResponse, mode: Outage): boolean {
  if (mode === 'status-500') json(res, 500, { error: 'server_error' });
  return mode !== 'ok';
}

function invalidGrant(res: ServerResponse, description: string) {
  json(res, 400, { error: 'invalid_grant', error_description: description });
}

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}

/**
 * RSA keys are made once per test file, not per provider or request: making one is slow enough under
 * load to time a login out. Every provider starts with the same published key (each has its own
 * issuer, so a token of one is no good at another); `rotateKey` makes a new one.
 */
let first: Promise<SigningKey> | undefined;
const firstKey = () => (first ??= newSigningKey());
/** The key of ID tokens signed with a key the provider never publishes. */
let unpublished: Promise<SigningKey> | undefined;
const unpublishedKey = () => (unpublished ??= newSigningKey());

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomBytes(8).toString('hex');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
