/**
 * The embedded development OpenID Provider: `npm start` signs a newcomer in with no
 * credentials, and the tests use it as the well-behaved real provider. Any username is
 * an account. It refuses to run when NODE_ENV is production.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Account, type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

export interface DevClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string;
}

export interface DevProvider {
  /** e.g. `http://127.0.0.1:PORT`, no trailing slash. */
  issuer: string;
  close: () => Promise<void>;
  /** Every authorization code, access token and refresh token value issued, for tests that check nothing secret reaches a log. */
  issued: readonly string[];
}

export const DEV_PROVIDER_TITLE = 'bff-auth development provider';

const MAX_USERNAME_LENGTH = 64;
const MAX_FORM_BYTES = 16 * 1024;

export async function startDevProvider(options: {
  port?: number;
  host?: string;
  clients: DevClient[];
}): Promise<DevProvider> {
  if (process.env.NODE_ENV === 'production') {
    throw new Error(
      'the development provider must not run in production (NODE_ENV=production): it signs in anyone with any username',
    );
  }
  const host = options.host ?? '127.0.0.1';

  // Listen first: the issuer has to name the real port, and port 0 picks one.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // Where the "back to the app" links of its pages go: the first client's origin.
  const firstRedirect = options.clients[0]?.redirectUris[0];
  const appUrl = firstRedirect ? new URL('/', firstRedirect).href : undefined;
  let provider: Provider;
  try {
    provider = new Provider(issuer, await configuration(issuer, options.clients, appUrl));
    // oidc-provider checks static client metadata on first use; check it now, at start.
    for (const { clientId } of options.clients) {
      await provider.Client.find(clientId).catch((error: { error_description?: string; message: string }) => {
        throw new Error(`development provider client ${clientId}: ${error.error_description ?? error.message}`);
      });
    }
  } catch (error) {
    server.close();
    throw error;
  }
  const issued: string[] = [];
  const record = (token: { jti: string }) => {
    if (!issued.includes(token.jti)) issued.push(token.jti);
  };
  // Opaque codes and tokens: the value the client sees is the jti.
  provider.on('authorization_code.saved', record);
  provider.on('access_token.saved', record);
  provider.on('refresh_token.saved', record);

  const oidc = provider.callback();
  handle = (req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    if (path.startsWith('/interaction/')) {
      interaction(provider, req, res, path, appUrl).catch((error: unknown) => fail(res, error, appUrl));
    } else if (path.startsWith('/avatar/')) {
      avatar(res, path);
    } else {
      void oidc(req, res);
    }
  };

  return {
    issuer,
    issued,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function configuration(issuer: string, clients: DevClient[], appUrl: string | undefined): Promise<Configuration> {
  return {
    clients: clients.map(clientMetadata),
    jwks: { keys: [await signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: (_ctx, id) => account(issuer, id),
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'picture', 'locale'],
      email: ['email', 'email_verified'],
    },
    // Put the profile in the ID token too, so a client that reads only the ID token sees it.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // Refresh tokens for every client allowed the grant, without asking for offline_access.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    clientBasedCORS: () => false,
    // oidc-provider's own fetch refuses loopback addresses (SSRF protection), but in development
    // the back-channel logout receiver, the BFF, is on one. Its clients are our own, so drop the guard.
    fetch: (url, init) => globalThis.fetch(url, { ...init, dispatcher: undefined } as RequestInit),
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    ttl: {
      AccessToken: 60 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      RefreshToken: 24 * 60 * 60,
      Interaction: 10 * 60,
      Session: 24 * 60 * 60,
      Grant: 24 * 60 * 60,
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Something went wrong',
        `<p class="error">${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p>
         ${backToApp(appUrl)}`,
      );
    },
  };
}

function clientMetadata(client: DevClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...(client.backchannelLogoutUri
      ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true }
      : {}),
  };
}

async function signingKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
}

/** Every id is an account; its profile is derived from the id alone. */
function account(issuer: string, id: string): Account {
  return {
    accountId: id,
    claims: () => ({
      sub: id,
      name: id.charAt(0).toUpperCase() + id.slice(1),
      preferred_username: id,
      email: `${id}@example.test`,
      email_verified: true,
      picture: `${issuer}/avatar/${encodeURIComponent(id)}.svg`,
      locale: 'en',
    }),
  };
}

/** The account id for what was typed in, or an error message to show. */
function accountIdFor(username: string): { accountId: string } | { error: string } {
  const accountId = username.normalize('NFKC').trim().toLowerCase();
  if (!accountId) return { error: 'Enter a username.' };
  if (accountId.length > MAX_USERNAME_LENGTH) return { error: `Use at most ${MAX_USERNAME_LENGTH} characters.` };
  // One word keeps the derived email address and avatar URL sensible.
  if (!/^[\p{L}\p{N}._-]+$/u.test(accountId)) return { error: "Use one word: letters, digits, '.', '_' or '-'." };
  return { accountId };
}

async function interaction(provider: Provider, req: IncomingMessage, res: ServerResponse, path: string, appUrl: string | undefined) {
  const [, , uid, action] = path.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    sendHtml(res, 400, page('Sign-in expired', backToApp(appUrl)));
    return;
  }

  if (details.prompt.name === 'consent') {
    await consent(provider, req, res, details);
  } else if (req.method === 'GET' && action === undefined) {
    sendHtml(res, 200, loginPage(uid));
  } else if (req.method === 'POST' && action === 'login') {
    const username = (await readForm(req)).get('username') ?? '';
    const result = accountIdFor(username);
    if ('error' in result) {
      sendHtml(res, 400, loginPage(uid, { username, error: result.error }));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: result.accountId } }, { mergeWithLastSubmission: false });
  } else if (req.method === 'POST' && action === 'cancel') {
    // The user says no: the app gets the standard denial (RFC 6749 §4.1.2.1).
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user cancelled the sign-in.' },
      { mergeWithLastSubmission: false },
    );
  } else {
    sendHtml(res, 404, page('Not found', `<p>There is nothing here.</p>${backToApp(appUrl)}`));
  }
}

/** Consent is automatic: grant whatever the client asked for. */
async function consent(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  details: Awaited<ReturnType<Provider['interactionDetails']>>,
) {
  const { grantId, session, params } = details;
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session?.accountId, clientId: String(params.client_id) });
  if (!grant) throw new Error(`grant ${grantId} not found`);

  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const savedGrantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId: savedGrantId } }, { mergeWithLastSubmission: true });
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error('form body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function avatar(res: ServerResponse, path: string) {
  const id = avatarId(path);
  if (!id) {
    res.writeHead(404).end();
    return;
  }
  const hue = [...id].reduce((sum, char) => (sum * 31 + char.codePointAt(0)!) % 360, 7);
  const initial = escapeHtml(([...id][0] ?? '?').toUpperCase());
  res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=3600' });
  res.end(
    `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">` +
      `<circle cx="48" cy="48" r="48" fill="hsl(${hue} 55% 45%)"/>` +
      `<text x="48" y="48" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" font-size="44" fill="#fff">${initial}</text>` +
      `</svg>`,
  );
}

function avatarId(path: string): string | undefined {
  const encoded = /^\/avatar\/([^/]+)\.svg$/.exec(path)?.[1];
  if (!encoded) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

function fail(res: ServerResponse, error: unknown, appUrl: string | undefined) {
  const message = error instanceof Error ? error.message : String(error);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendHtml(res, 400, page('Sign-in failed', `<p class="error">${escapeHtml(message)}</p>${backToApp(appUrl)}`));
}

function sendHtml(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function loginPage(uid: string, form: { username?: string; error?: string } = {}): string {
  return page(
    'Sign in',
    `<p>Any username signs in. This provider runs only in development.</p>
     <form method="post" action="/interaction/${encodeURIComponent(uid)}/login">
       <label for="username">Username</label>
       <input id="username" name="username" type="text" required autofocus autocomplete="username"
              autocapitalize="none" spellcheck="false" placeholder="alice" value="${escapeHtml(form.username ?? '')}">
       ${form.error ? `<p class="error" role="alert">${escapeHtml(form.error)}</p>` : ''}
       <button type="submit">Sign in</button>
       <button class="secondary" type="submit" formaction="/interaction/${encodeURIComponent(uid)}/cancel" formnovalidate>Cancel</button>
     </form>`,
  );
}

async function logoutSource(ctx: KoaContextWithOIDC, form: string) {
  // `form` is the provider's own form (with its xsrf field); the buttons submit it.
  ctx.type = 'html';
  ctx.body = page(
    'Sign out',
    `<p>Sign out of the ${DEV_PROVIDER_TITLE}?</p>
     ${form}
     <button autofocus type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
     <button class="secondary" type="submit" form="op.logoutForm">Stay signed in</button>`,
  );
}

async function postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
  ctx.type = 'html';
  ctx.body = page('Signed out', '<p>You are signed out of the development provider.</p>');
}

function page(heading: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading)} · ${DEV_PROVIDER_TITLE}</title>
<style>
  :root { color-scheme: light dark; --accent: #4f46e5; --bg: #f4f5fb; --card: #fff; --text: #1f2330; --muted: #5b6173; --line: #d6d9e4; }
  @media (prefers-color-scheme: dark) { :root { --bg: #14161f; --card: #1e2130; --text: #e8eaf2; --muted: #a0a6ba; --line: #3a3f55; } }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1.5rem;
         font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
  main { width: 100%; max-width: 24rem; background: var(--card); border-radius: 14px; padding: 2rem 1.75rem;
         box-shadow: 0 10px 30px rgb(0 0 0 / 0.08); }
  .badge { display: inline-block; font-size: .75rem; font-weight: 600; letter-spacing: .04em; text-transform: uppercase;
           color: var(--accent); margin-bottom: .25rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
  p { color: var(--muted); margin: 0 0 1.25rem; }
  label { display: block; font-weight: 600; margin-bottom: .35rem; }
  input { width: 100%; font: inherit; padding: .7rem .8rem; border: 1px solid var(--line); border-radius: 8px;
          background: transparent; color: inherit; margin-bottom: 1rem; }
  input:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
  button { width: 100%; font: inherit; font-weight: 600; padding: .75rem; border: 0; border-radius: 8px; cursor: pointer;
           background: var(--accent); color: #fff; margin-bottom: .5rem; }
  button:hover { filter: brightness(1.1); }
  button.secondary { background: transparent; color: var(--muted); border: 1px solid var(--line); }
  .error { color: #c62828; font-weight: 600; }
  .link-button { display: block; text-align: center; font-weight: 600; padding: .75rem; border-radius: 8px;
                 background: var(--accent); color: #fff; text-decoration: none; }
</style>
</head>
<body>
<main>
  <div class="badge">${DEV_PROVIDER_TITLE}</div>
  <h1>${escapeHtml(heading)}</h1>
  ${content}
</main>
</body>
</html>`;
}

/** A way out of the provider's own pages, back to the app that sent the user here. */
function backToApp(appUrl: string | undefined): string {
  return appUrl
    ? `<p>Go back to the app and sign in again.</p><a class="link-button" href="${escapeHtml(appUrl)}">Back to the app</a>`
    : '<p>Go back to the app and sign in again.</p>';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
