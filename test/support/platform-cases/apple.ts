import fc from 'fast-check';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { expect } from 'vitest';
import { readFormPostPage } from '../../../emulators/emulator-server.js';
import { APPLE_PATHS, appleAppKey, appleEntry, startAppleEmulator, type AppleEmulator } from '../../../emulators/apple.js';
import { TestBrowser } from '../browser.js';
import { fetchHeaders } from '../dev-stack.js';
import { runs } from '../fuzz.js';
import { loginThrough, sessionIn, type ProviderStack } from '../provider-stack.js';
import { callbackWith, platformCase, type AnyEmulator } from './platform-case.js';

/** The token calls the emulator received, newest last. */
const tokenCalls = (apple: AppleEmulator) => apple.requests.filter(({ method, path }) => method === 'POST' && path === APPLE_PATHS.token);

/** A login whose form_post the test rewrites before the browser submits it, as someone on the way could. */
async function loginPosting(stack: ProviderStack<AnyEmulator>, rewrite: (fields: URLSearchParams) => void) {
  const browser = new TestBrowser();
  const start = await browser.get(`${stack.origin}/auth/login/apple?returnTo=%2Fhome`);
  const page = readFormPostPage(await (await browser.get(start.headers.get('location') ?? '')).text());
  if (!page) throw new Error('the emulator answered no form_post page');
  rewrite(page.fields);
  const callback = await browser.post(page.action, { body: page.fields });
  return { status: callback.status, location: callback.headers.get('location'), session: await sessionIn(stack, browser) };
}

export const appleCase = platformCase<AppleEmulator>({
  id: 'apple',
  name: 'apple',
  start: startAppleEmulator,
  entries: (apple) => [appleEntry(apple), { ...appleEntry(apple, 'apple-other-key'), privateKey: appleAppKey().privateKeyPem }],
  // The first authorization: the name comes from the posted `user`; the email is the ID token's (a relay address), its flag the string "true".
  user: ({ user }) => ({ providerUserId: user.sub, name: 'Jane Appleseed', email: user.email, emailVerified: true }),
  refusals: { token: { token: 'invalid-grant' } },
  refresh: { rotates: false, refusal: 'invalid-grant' },
  quirks: {
    'the link asks for name email with response_mode=form_post and a nonce, no PKCE; the callback is a POST': async ({ stack }) => {
      const { authorizationUrl, location } = await loginThrough(stack, 'apple');
      expect(location).toBe('/home');
      const link = new URL(authorizationUrl).searchParams;
      expect(link.get('response_mode')).toBe('form_post');
      expect(link.get('scope')).toBe('name email');
      expect(link.get('response_type')).toBe('code');
      expect(link.get('nonce')).toBeTruthy();
      for (const name of ['code_challenge', 'code_challenge_method']) expect(link.has(name)).toBe(false);
    },
    'each token call carries a fresh ES256 client secret (kid, iss = team, sub = client, aud = issuer, minutes) in the form body': async ({ stack, emulator }) => {
      for (let login = 0; login < 2; login += 1) expect((await loginThrough(stack, 'apple')).location).toBe('/home');
      const [first, second] = tokenCalls(emulator).slice(-2);
      expect(first?.headers.authorization).toBeUndefined();
      expect(Object.keys(first?.body ?? {}).sort()).toEqual(['client_id', 'client_secret', 'code', 'grant_type', 'redirect_uri']);
      expect(first?.body.client_secret).not.toBe(second?.body.client_secret);
      const secret = first?.body.client_secret ?? '';
      expect(decodeProtectedHeader(secret)).toMatchObject({ alg: 'ES256', kid: emulator.keyId });
      const claims = decodeJwt(secret);
      expect(claims).toMatchObject({ iss: emulator.teamId, sub: emulator.clientId, aud: emulator.issuer });
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBeGreaterThan(0);
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBeLessThanOrEqual(15 * 60);
    },
    'logout revokes the refresh token at Apple, the client authenticated by a fresh secret Apple accepts': async ({ stack, emulator }) => {
      const { browser } = await loginThrough(stack, 'apple');
      const refreshToken = emulator.issued.findLast((token) => token.startsWith('r'));
      expect((await browser.post(`${stack.origin}/auth/logout`, { headers: fetchHeaders })).status).toBe(200);
      // Revocation runs after the answer, in the background.
      await expect.poll(() => emulator.requests.findLast(({ path }) => path === APPLE_PATHS.revocation)?.body.token).toBe(refreshToken);
      const secret = emulator.requests.findLast(({ path }) => path === APPLE_PATHS.revocation)?.body.client_secret;
      expect(secret).not.toBe(tokenCalls(emulator).at(-1)?.body.client_secret);
      await expect.poll(() => secret !== undefined && emulator.acceptedSecrets.includes(secret)).toBe(true);
    },
    'a client secret signed with another key is refused by Apple (invalid_client): token_exchange_failed': async ({ stack, emulator, failsWith }) => {
      await failsWith('token_exchange_failed', 'apple-other-key');
      const refused = stack.bff.logs.lines.findLast((line) => line.event === 'login.failure' && line.provider === 'apple-other-key');
      expect(refused?.reason).toBe('provider_error:invalid_client');
      expect(tokenCalls(emulator).at(-1)?.body.client_secret).toBeTruthy();
    },
    'the name comes with the first authorization only: the second login has none': async ({ stack }) => {
      const first = await loginThrough(stack, 'apple');
      const second = await loginThrough(stack, 'apple');
      const [before, after] = [await sessionIn(stack, first.browser), await sessionIn(stack, second.browser)];
      expect(before.authenticated && before.user.name).toBe('Jane Appleseed');
      expect(after).toMatchObject({ authenticated: true, user: { providerUserId: expect.any(String) } });
      expect(after.authenticated && after.user.name).toBeUndefined();
    },
    'the posted user is display only: an id or email in it is never believed': async ({ stack, emulator }) => {
      const posted = JSON.stringify({ name: { firstName: 'Mallory', lastName: '<b>' }, email: 'victim@example.test', sub: 'victim', email_verified: true });
      const { location, session } = await loginPosting(stack, (fields) => fields.set('user', posted));
      expect(location).toBe('/home');
      expect(session).toMatchObject({ authenticated: true, user: { providerUserId: emulator.user.sub, email: emulator.user.email, name: 'Mallory <b>' } });
    },
    'a posted user that is not JSON, or names no one, leaves the name out and the login goes through': async ({ stack }) => {
      for (const posted of ['{"name":', '[]', '{"name":{"firstName":42}}', '"Jane"']) {
        const { location, session } = await loginPosting(stack, (fields) => fields.set('user', posted));
        expect(location).toBe('/home');
        expect(session.authenticated && session.user.name).toBeUndefined();
      }
    },
    'on http the transaction cookie stays SameSite=Lax: None needs Secure, which only https sets': async ({ stack }) => {
      const browser = new TestBrowser();
      await browser.get(`${stack.origin}/auth/login/apple`);
      const transaction = browser.setCookieLog.find((header) => header.startsWith('bff-auth.tx.')) ?? '';
      expect(transaction).toMatch(/; SameSite=Lax/);
      expect(transaction).not.toMatch(/; Secure/);
    },
    'fuzz: any form body posted back with a valid state: no 5xx, a closed-list error or the ID token\'s user, never one the body names': async ({ stack, emulator }) => {
      const value = fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.json({ maxDepth: 4 }),
        fc.constantFrom('{"name":{"firstName":"Eve","lastName":"X"},"email":"victim@example.test","sub":"victim"}', '%ZZ', '&=&', '\u0000', 'x'.repeat(20_000)),
      );
      const extra = fc.array(fc.tuple(fc.constantFrom('code', 'state', 'user', 'error', 'error_description', 'iss', 'id_token', 'sub'), value), { maxLength: 4 });
      await fc.assert(
        fc.asyncProperty(extra, fc.boolean(), async (fields, genuineCode) => {
          const { location, status, session } = await loginPosting(stack, (posted) => {
            if (!genuineCode) posted.delete('code');
            posted.delete('user');
            for (const [name, text] of fields) posted.append(name, text);
          });
          // A body past the route's 16 KiB is refused before the flow reads it (a 4xx); any other ends the login with a redirect
          // (to / when a repeated state names no transaction).
          expect(status === 303 ? location : String(status)).toMatch(status === 303 ? /^\/(home)?(\?auth_error=[a-z_]+)?$/ : /^4\d\d$/);
          if (session.authenticated) expect(session.user).toMatchObject({ providerUserId: emulator.user.sub, email: emulator.user.email });
        }),
        { numRuns: runs(20) },
      );
    },
    'email_verified as a boolean is read as well': async ({ stack, emulator }) => {
      emulator.user.email_verified = true;
      const { browser } = await loginThrough(stack, 'apple');
      const session = await sessionIn(stack, browser);
      expect(session.authenticated && session.user.emailVerified).toBe(true);
    },
    'an error value Apple does not document, posted back with a valid state, is a denial': async ({ stack }) => {
      const { location, session } = await callbackWith(stack, 'apple', { error: 'user_trigger_new_signin_flow' }, { formPost: true });
      expect(location).toBe('/home?auth_error=access_denied');
      expect(session).toEqual({ authenticated: false });
    },
  },
});
