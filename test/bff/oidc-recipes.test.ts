/**
 * The README's recipes for the OIDC servers people run themselves, each exactly as the README
 * writes it (only its origin and client credentials pointed at the test), against an
 * `oidc-provider` instance behaving as that server does: the User a login gives, the client
 * authentication it is registered with (the other one fails), its logout, and refresh.
 *
 * What each server does, and where it is said:
 * - Keycloak: realm issuer `/realms/{realm}` (https://www.keycloak.org/docs/latest/securing_apps/#_oidc-generic);
 *   `iss` on the redirect back since RFC 9207 support (https://github.com/keycloak/keycloak/issues/20584, always added); logout wants `client_id` or `id_token_hint` with `post_logout_redirect_uri`
 *   (its error text, https://github.com/s1t5/mail-archiver/discussions/298); refresh tokens with every code grant.
 * - Auth0: issuer `https://{tenant}/` with the slash (its discovery document, quoted in
 *   https://qiita.com/smesh/items/db9b90bc6735cf9381af); refresh tokens with `offline_access`
 *   (https://auth0.github.io/auth0-oidc-client-net/documentation/advanced-scenarios/refresh-tokens.html).
 *   "Client Secret (Post)" as the Regular Web App default and no RFC 9207 `iss` are UNCONFIRMED
 *   here: the recipe names the method, so either works.
 * - Okta: `client_secret_basic` for web apps and `offline_access` for refresh
 *   (okta/okta-developer-docs: guides/oie-embedded-common-refresh-tokens); `/logout` requires
 *   `id_token_hint` (https://support.okta.com/help/s/article/the-purpose-of-id-token-hint-in-the-logout-api-and-how-does-it-affect-the-single-logout-process).
 *   A thin ID token (profile from userinfo) and no `iss` parameter are assumed (UNCONFIRMED): the BFF reads userinfo either way.
 * - Casdoor: issuer = its origin, `/api/userinfo` maps `Name` to `preferred_username`, `DisplayName` to `name`,
 *   `Avatar` to `picture`, no `email_verified`, no `end_session_endpoint` in discovery
 *   (casdoor/casdoor-website: docs/how-to-connect/oidc-client.md); its ID token's `name` is the user name.
 *   The credentials in the form body follow its OAuth examples (Basic UNCONFIRMED).
 * - Authing and Logto: node `oidc-provider` underneath (issuer `.../oidc`, `/session/end`, refresh tokens for
 *   `offline_access` with `prompt=consent`, OIDC Core §11); Logto's user name claim is `username`.
 *   Authing's `client_secret_post` default is UNCONFIRMED: the recipe names it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../shared/index.js';
import { freePort, startTestBff, type TestBff } from '../support/bff.js';
import { TestBrowser } from '../support/browser.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { sessionIn } from '../support/provider-stack.js';
import { startSelfHostedIdp, type SelfHostedIdp, type ServerBehaviour } from '../support/self-hosted-idp.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

interface Recipe {
  /** The README entry's id. */
  id: string;
  server: ServerBehaviour;
  /** The User a login gives, without `id` and `provider`. */
  user: Omit<User, 'id' | 'provider'>;
}

const STANDARD_PROFILE = ['name', 'preferred_username', 'given_name', 'family_name', 'picture', 'locale'];

const RECIPES: Recipe[] = [
  {
    id: 'keycloak',
    server: {
      issuerPath: '/realms/myrealm',
      routes: {
        authorization: '/protocol/openid-connect/auth',
        token: '/protocol/openid-connect/token',
        userinfo: '/protocol/openid-connect/userinfo',
        jwks: '/protocol/openid-connect/certs',
        end_session: '/protocol/openid-connect/logout',
        revocation: '/protocol/openid-connect/revoke',
      },
      tokenEndpointAuthMethod: 'client_secret_basic',
      strictClientAuth: false,
      account: { sub: '8f1c2d3e-0000-4000-8000-00000000000a', name: 'Kira Cloak', preferred_username: 'kira', email: 'kira@example.test', email_verified: true },
      profileClaims: STANDARD_PROFILE,
      idTokenProfile: true,
      issParameter: true,
      endSession: 'client_id',
      refreshTokens: 'always',
    },
    user: { providerUserId: '8f1c2d3e-0000-4000-8000-00000000000a', name: 'Kira Cloak', username: 'kira', email: 'kira@example.test', emailVerified: true },
  },
  {
    id: 'auth0',
    server: {
      issuerPath: '/',
      routes: { token: '/oauth/token', userinfo: '/userinfo', jwks: '/.well-known/jwks.json', end_session: '/oidc/logout', revocation: '/oauth/revoke' },
      tokenEndpointAuthMethod: 'client_secret_post',
      strictClientAuth: true,
      account: {
        sub: 'auth0|64f0c0ffee',
        name: 'Ada Zero',
        nickname: 'ada',
        picture: 'https://s.gravatar.example/ada.png',
        email: 'ada@example.test',
        email_verified: false,
      },
      profileClaims: ['name', 'nickname', 'picture', 'given_name', 'family_name', 'updated_at'],
      idTokenProfile: true,
      issParameter: false,
      endSession: 'client_id',
      refreshTokens: 'offline_access',
    },
    // Auth0 has no preferred_username: no username.
    user: { providerUserId: 'auth0|64f0c0ffee', name: 'Ada Zero', email: 'ada@example.test', emailVerified: false, avatarUrl: 'https://s.gravatar.example/ada.png' },
  },
  {
    id: 'okta',
    server: {
      issuerPath: '/oauth2/default',
      routes: { authorization: '/v1/authorize', token: '/v1/token', userinfo: '/v1/userinfo', jwks: '/v1/keys', end_session: '/v1/logout', revocation: '/v1/revoke' },
      tokenEndpointAuthMethod: 'client_secret_basic',
      strictClientAuth: true,
      account: { sub: '00u1okta2user3', name: 'Otto Kay', preferred_username: 'otto@example.test', locale: 'en-US', email: 'otto@example.test', email_verified: true },
      profileClaims: STANDARD_PROFILE,
      idTokenProfile: false,
      issParameter: false,
      endSession: 'id_token_hint',
      refreshTokens: 'offline_access',
    },
    user: { providerUserId: '00u1okta2user3', name: 'Otto Kay', username: 'otto@example.test', email: 'otto@example.test', emailVerified: true, locale: 'en-US' },
  },
  {
    id: 'authing',
    server: {
      issuerPath: '/oidc',
      tokenEndpointAuthMethod: 'client_secret_post',
      strictClientAuth: true,
      account: { sub: '65a0authing', name: '张三', nickname: 'zhangsan', preferred_username: 'zhangsan', picture: 'https://files.authing.example/z.png', email: 'zhangsan@example.test', email_verified: false },
      profileClaims: [...STANDARD_PROFILE, 'nickname'],
      idTokenProfile: true,
      issParameter: true,
      endSession: 'client_id',
      refreshTokens: 'offline_access_and_consent',
    },
    user: { providerUserId: '65a0authing', name: '张三', username: 'zhangsan', email: 'zhangsan@example.test', emailVerified: false, avatarUrl: 'https://files.authing.example/z.png' },
  },
  {
    id: 'casdoor',
    server: {
      issuerPath: '',
      routes: { authorization: '/login/oauth/authorize', token: '/api/login/oauth/access_token', userinfo: '/api/userinfo', jwks: '/.well-known/jwks' },
      tokenEndpointAuthMethod: 'client_secret_post',
      strictClientAuth: true,
      // Its ID token's `name` is the user name, `displayName` the name; /api/userinfo says `preferred_username` and `name`.
      account: { sub: '0b6c-casdoor-user', name: 'Casey Door', displayName: 'Casey Door', preferred_username: 'casey', picture: 'https://cdn.casdoor.example/casey.png', email: 'casey@example.test' },
      profileClaims: ['name', 'displayName', 'preferred_username', 'picture'],
      idTokenProfile: true,
      issParameter: false,
      endSession: 'none',
      refreshTokens: 'always',
    },
    user: { providerUserId: '0b6c-casdoor-user', name: 'Casey Door', username: 'casey', email: 'casey@example.test', avatarUrl: 'https://cdn.casdoor.example/casey.png' },
  },
  {
    id: 'logto',
    server: {
      issuerPath: '/oidc',
      tokenEndpointAuthMethod: 'client_secret_basic',
      strictClientAuth: false,
      account: { sub: 'lg0to1user', name: 'Lou Togo', username: 'lou', picture: 'https://logto.example/lou.png', email: 'lou@example.test', email_verified: true },
      profileClaims: ['name', 'username', 'picture', 'created_at', 'updated_at'],
      idTokenProfile: true,
      issParameter: true,
      endSession: 'client_id',
      refreshTokens: 'offline_access_and_consent',
    },
    user: { providerUserId: 'lg0to1user', name: 'Lou Togo', username: 'lou', email: 'lou@example.test', emailVerified: true, avatarUrl: 'https://logto.example/lou.png' },
  },
];

type ReadmeRecipe = Record<string, unknown> & { id: string; issuer: string; tokenEndpointAuthMethod?: string; authorizationParams?: Record<string, string> };

/** The README's recipe entries, from the JSON block after its `oidc-server-recipes` marker. */
function readmeRecipes(): ReadmeRecipe[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- oidc-server-recipes -->\s*```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README.md has no oidc-server-recipes block');
  return (JSON.parse(block) as { providers: ReadmeRecipe[] }).providers;
}

const README_RECIPES = readmeRecipes();
const otherMethod = (method: string) => (method === 'client_secret_post' ? 'client_secret_basic' : 'client_secret_post');

let bff: TestBff;
let origin: string;
let upstream: Upstream;
const idps = new Map<string, SelfHostedIdp>();

beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  upstream = await startUpstream();
  const providers = [];
  for (const { id, server } of RECIPES) {
    const entry = README_RECIPES.find((recipe) => recipe.id === id);
    if (entry === undefined) throw new Error(`README.md has no recipe "${id}"`);
    const idp = await startSelfHostedIdp(server, {
      redirectUris: [`${origin}/auth/callback/${id}`, `${origin}/auth/callback/${id}-other-auth`],
      postLogoutRedirectUri: `${origin}/`,
    });
    idps.set(id, idp);
    // The README's entry as it stands, its origin and credentials the test's.
    const recipe = { ...entry, issuer: idp.origin + entry.issuer.slice(new URL(entry.issuer).origin.length), clientId: idp.clientId, clientSecret: idp.clientSecret };
    const method = entry.tokenEndpointAuthMethod ?? 'client_secret_basic';
    providers.push(recipe, { ...recipe, id: `${id}-other-auth`, tokenEndpointAuthMethod: otherMethod(method) });
  }
  bff = await startTestBff(port, { providers, apis: RECIPES.map(({ id }) => ({ path: `/api/${id}`, provider: id, target: upstream.origin })) });
});
afterAll(async () => {
  await bff?.close();
  await Promise.all([...idps.values()].map((idp) => idp.close()));
  await upstream?.close();
});

/** A login at `provider` through the server's redirects (sign-in and consent pages answer at once). */
async function login(provider: string, browser = new TestBrowser()) {
  const start = await browser.get(`${origin}/auth/login/${provider}?returnTo=%2Fhome`);
  const authorizationUrl = start.headers.get('location') ?? '';
  const hops = await browser.follow(authorizationUrl, { stopAt: (url) => url.origin === origin });
  if (hops.stoppedAt === undefined) throw new Error(`the server did not send the browser back: ${hops.response.status} ${await hops.response.text()}`);
  const callback = await browser.get(hops.stoppedAt);
  return { browser, authorizationUrl, callbackUrl: new URL(hops.stoppedAt), location: callback.headers.get('location') };
}

describe.each(RECIPES.map((recipe) => [recipe.id, recipe] as const))('%s', (id, { server, user }) => {
  const entry = () => README_RECIPES.find((recipe) => recipe.id === id) ?? { id, issuer: '' };
  const idp = () => idps.get(id) as SelfHostedIdp;

  it("the README's entry is an oidc entry whose issuer has the server's form", () => {
    expect(entry().type).toBe('oidc');
    const { issuer } = entry();
    expect(issuer.slice(new URL(issuer).origin.length)).toBe(server.issuerPath);
  });

  it('signs in with the expected User, sending the entry\'s authorization parameters', async () => {
    const { browser, location, callbackUrl, authorizationUrl } = await login(id);
    expect(location).toBe('/home');
    const sent = new URL(authorizationUrl).searchParams;
    for (const [name, value] of Object.entries(entry().authorizationParams ?? {})) expect(sent.get(name)).toBe(value);
    expect(callbackUrl.searchParams.has('iss')).toBe(server.issParameter);
    expect(await sessionIn({ origin }, browser)).toEqual({
      authenticated: true,
      provider: id,
      linked: [id],
      expiresAt: expect.any(Number),
      user: { id: `${id}:${user.providerUserId}`, provider: id, ...user },
    });
  });

  it(`authenticates the client with ${server.tokenEndpointAuthMethod}; the other method ${server.strictClientAuth ? 'is refused' : 'works too'}`, async () => {
    const { browser, location } = await login(`${id}-other-auth`);
    expect(location).toBe(server.strictClientAuth ? '/home?auth_error=token_exchange_failed' : '/home');
    expect((await sessionIn({ origin }, browser)).authenticated).toBe(!server.strictClientAuth);
  });

  it(server.endSession === 'none' ? 'logout ends the session here only: the server has no end-session endpoint' : 'logout sends the browser to its end-session endpoint, which accepts it', async () => {
    const { browser } = await login(id);
    const answer = (await (await browser.post(`${origin}/auth/logout`, { headers: fetchHeaders })).json()) as { redirectTo: string | null };
    expect(await sessionIn({ origin }, browser)).toEqual({ authenticated: false });
    if (server.endSession === 'none') {
      expect(answer.redirectTo).toBeNull();
      return;
    }
    const endSession = new URL(answer.redirectTo ?? '');
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${origin}/`);
    expect(endSession.searchParams.has('id_token_hint')).toBe(server.endSession === 'id_token_hint');
    // The server's own logout page: a confirmation form, not an error.
    const page = await browser.get(endSession);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<form[^>]*logout/i);
  });

  it('refreshes its access token for the API proxy', async () => {
    // The server's access tokens last 30 s: every proxy call refreshes first.
    const { browser } = await login(id);
    const issuedAtLogin = idp().issued.length;
    for (let call = 0; call < 2; call += 1) {
      expect((await browser.get(`${origin}/api/${id}/me`, { headers: fetchHeaders })).status).toBe(200);
    }
    const sent = upstream.seen.slice(-2);
    expect(new Set(sent).size).toBe(2);
    for (const token of sent) expect(idp().issued.slice(issuedAtLogin)).toContain(token);
  });
});
