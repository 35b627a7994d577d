/**
 * An `oidc-provider` instance told to behave as one of the OIDC servers people run themselves
 * (Keycloak, Auth0, Okta, Authing, Casdoor, Logto): its issuer's form and path, the one client
 * authentication method the app is registered with, the claims it releases and where (ID token
 * or userinfo only), whether it sends the RFC 9207 `iss`, its logout, and when it issues refresh
 * tokens. There is no login page: the one account signs in and consents at once.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

type KoaContext = Parameters<Parameters<Provider['use']>[0]>[0];

export interface ServerBehaviour {
  /** The issuer's path as the server names it: `''`, `'/'` (a trailing slash, as Auth0), `'/realms/demo'`. */
  issuerPath: string;
  /** Its endpoint paths, below the issuer, where they are not oidc-provider's. */
  routes?: Configuration['routes'];
  /** The client authentication method the app is registered with. */
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  /** Whether it refuses the other method (oidc-provider itself takes either). */
  strictClientAuth: boolean;
  /** The account's claims, `sub` first. */
  account: Record<string, unknown>;
  /** The claims the `profile` scope releases (the `email` scope releases `email` and `email_verified`). */
  profileClaims: string[];
  /** Whether the ID token carries the profile claims too, or only `sub` (they then come from userinfo). */
  idTokenProfile: boolean;
  /** Whether the redirect back carries `iss` (RFC 9207) and discovery says so. */
  issParameter: boolean;
  /** RP-initiated logout: none, with `client_id` enough, or only with an `id_token_hint`. */
  endSession: 'none' | 'client_id' | 'id_token_hint';
  /**
   * When a code brings a refresh token: always; with `offline_access` in the scope; or with `offline_access`
   * and `prompt=consent`, as oidc-provider itself and the servers built on it do (OIDC Core §11).
   */
  refreshTokens: 'always' | 'offline_access' | 'offline_access_and_consent';
}

export interface SelfHostedIdp {
  issuer: string;
  origin: string;
  clientId: string;
  clientSecret: string;
  /** Every authorization code, access token and refresh token issued. */
  issued: string[];
  close: () => Promise<void>;
}

const EMAIL_CLAIMS = ['email', 'email_verified'];

/** Its one signing key, made once per test file. */
let signingKey: Promise<JWK> | undefined;
const key = () =>
  (signingKey ??= generateKeyPair('RS256', { extractable: true }).then(async ({ privateKey }) => ({
    ...(await exportJWK(privateKey)),
    kid: randomBytes(8).toString('hex'),
    alg: 'RS256',
    use: 'sig',
  })));

export async function startSelfHostedIdp(behaviour: ServerBehaviour, client: { redirectUris: string[]; postLogoutRedirectUri: string }): Promise<SelfHostedIdp> {
  const app = express();
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening)).once('error', reject);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = origin + behaviour.issuerPath;
  const clientId = `recipe-client-${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const { sub, ...claims } = behaviour.account;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: [client.postLogoutRedirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: behaviour.tokenEndpointAuthMethod,
      },
    ],
    jwks: { keys: [await key()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, ...claims }) }),
    claims: { openid: ['sub'], profile: behaviour.profileClaims, email: EMAIL_CLAIMS },
    conformIdTokenClaims: !behaviour.idTokenProfile,
    pkce: { required: () => true },
    ...(behaviour.refreshTokens === 'always' ? { issueRefreshToken: (_ctx, registered) => registered.grantTypeAllowed('refresh_token') } : {}),
    ...(behaviour.routes ? { routes: behaviour.routes } : {}),
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: behaviour.endSession !== 'none' },
    },
    ttl: { AccessToken: 30, AuthorizationCode: 60, IdToken: 300, RefreshToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
  });
  provider.use((ctx, next) => serverQuirks(ctx, next, behaviour, client.redirectUris));
  const issued: string[] = [];
  const record = (token: { jti: string }) => issued.push(token.jti);
  provider.on('authorization_code.saved', record);
  provider.on('access_token.saved', record);
  provider.on('refresh_token.saved', record);

  // The one account signs in and consents to whatever the client asked for.
  app.get('/interaction/:uid', (req, res, next) => {
    finishInteraction(provider, req, res, String(sub)).catch(next);
  });
  app.use(behaviour.issuerPath.replace(/\/$/, '') || '/', provider.callback());

  return {
    issuer,
    origin,
    clientId,
    clientSecret,
    issued,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** What the server does that oidc-provider does not do by default. */
async function serverQuirks(ctx: KoaContext, next: () => Promise<void>, behaviour: ServerBehaviour, redirectUris: string[]) {
  const query = ctx.query as Record<string, string | undefined>;
  if (behaviour.refreshTokens === 'offline_access' && query.scope?.split(' ').includes('offline_access')) {
    // A server that issues refresh tokens for offline_access alone: oidc-provider wants consent asked for.
    ctx.query = { ...query, prompt: 'consent' };
  }
  if (behaviour.endSession === 'id_token_hint' && /\/(session\/end|logout)$/.test(ctx.path) && !query.id_token_hint) {
    ctx.status = 400;
    ctx.body = { error: 'invalid_request', error_description: 'id_token_hint is required' };
    return;
  }
  const basic = /^Basic /i.test(ctx.get('authorization'));
  if (behaviour.strictClientAuth && ctx.method === 'POST' && ctx.path === (behaviour.routes?.token ?? '/token') && basic !== (behaviour.tokenEndpointAuthMethod === 'client_secret_basic')) {
    ctx.status = 401;
    ctx.body = { error: 'invalid_client', error_description: `the client authenticates with ${behaviour.tokenEndpointAuthMethod}` };
    return;
  }
  await next();
  if (behaviour.issParameter) return;
  if (ctx.path.endsWith('/.well-known/openid-configuration') && typeof ctx.body === 'object' && ctx.body !== null) {
    delete (ctx.body as Record<string, unknown>).authorization_response_iss_parameter_supported;
  }
  // Koa answers undefined for a header not set, whatever its types say.
  const location = (ctx.response.get('location') as string | undefined) ?? '';
  if (redirectUris.some((redirectUri) => location.startsWith(redirectUri))) {
    const back = new URL(location);
    back.searchParams.delete('iss');
    ctx.set('location', back.href);
  }
}

async function finishInteraction(provider: Provider, req: express.Request, res: express.Response, accountId: string) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  if (!grant) throw new Error('no grant');
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}
