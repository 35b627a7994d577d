import { expect, vi } from 'vitest';
import { fetchHeaders } from '../dev-stack.js';
import { DISCORD_PATHS, startDiscordEmulator, type DiscordEmulator } from '../../../emulators/discord.js';
import { loginThrough, sessionIn, type ProviderStack } from '../provider-stack.js';
import { entryAt, everyErrorIsDenial, platformCase, type AnyEmulator } from './platform-case.js';

const CDN = 'https://cdn.discordapp.com';

async function userAfterLogin(stack: ProviderStack<AnyEmulator>) {
  const { browser } = await loginThrough(stack, 'discord');
  const session = await sessionIn(stack, browser);
  if (!session.authenticated) throw new Error('the login did not start a session');
  return session.user;
}

export const discordCase = platformCase<DiscordEmulator>({
  id: 'discord',
  name: 'Discord',
  start: startDiscordEmulator,
  entries: (discord) => [entryAt(discord, 'discord', DISCORD_PATHS)],
  // The snowflake past 2^53 kept as its exact string; the name is global_name.
  user: ({ user }) => ({
    providerUserId: user.id,
    name: user.global_name ?? undefined,
    username: user.username,
    email: user.email,
    emailVerified: true,
    avatarUrl: `${CDN}/avatars/${user.id}/${user.avatar}.png`,
    locale: user.locale,
  }),
  refusals: { token: { token: 'invalid-grant' }, profile: { user: 'unauthorized' } },
  refresh: { rotates: true, refusal: 'invalid-grant' },
  quirks: {
    'the link asks for identify and email with no PKCE challenge, and the token step sends no verifier': async ({ stack, emulator }) => {
      const { authorizationUrl } = await loginThrough(stack, 'discord');
      const link = new URL(authorizationUrl).searchParams;
      expect([...link.keys()]).toEqual(['client_id', 'response_type', 'redirect_uri', 'scope', 'state']);
      expect(link.get('scope')).toBe('identify email');
      const token = emulator.requests.findLast((request) => request.path === DISCORD_PATHS.token);
      expect(token?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      expect(Object.keys(token?.body ?? {}).sort()).toEqual(['client_id', 'client_secret', 'code', 'grant_type', 'redirect_uri']);
    },
    'an animated avatar (an a_ hash) is its GIF': async ({ stack, emulator }) => {
      emulator.user.avatar = 'a_1269e74af4df7417b13759eae50c83dc';
      expect((await userAfterLogin(stack)).avatarUrl).toBe(`${CDN}/avatars/${emulator.user.id}/a_1269e74af4df7417b13759eae50c83dc.gif`);
    },
    'no avatar: the default one, by (id >> 22) % 6 on new usernames and discriminator % 5 on legacy ones': async ({ stack, emulator }) => {
      emulator.user.avatar = null;
      // 80351110224678912n >> 22n = 19157197529n, % 6 = 5; a 32-bit `>>` on the Number gives -1.
      expect((await userAfterLogin(stack)).avatarUrl).toBe(`${CDN}/embed/avatars/5.png`);
      emulator.user.discriminator = '1337';
      expect((await userAfterLogin(stack)).avatarUrl).toBe(`${CDN}/embed/avatars/2.png`);
    },
    'the name falls back to the username when global_name is null; an unverified email says so': async ({ stack, emulator }) => {
      emulator.user.global_name = null;
      emulator.user.verified = false;
      expect(await userAfterLogin(stack)).toMatchObject({ name: 'nelly', username: 'nelly', email: emulator.user.email, emailVerified: false });
    },
    'any error on a callback with a valid state, RFC 6749\'s included, is a denial': async ({ stack }) => {
      await everyErrorIsDenial(stack, 'discord', { error_description: 'no' });
    },
    'logout revokes the refresh token, the client authenticated': async ({ stack, emulator }) => {
      const { browser } = await loginThrough(stack, 'discord');
      const refreshToken = emulator.issued.at(-1);
      expect((await browser.post(`${stack.origin}/auth/logout`, { headers: fetchHeaders })).status).toBe(200);
      await vi.waitFor(() =>
        expect(emulator.requests.findLast((request) => request.path === DISCORD_PATHS.revocation)?.body).toEqual({
          token: refreshToken,
          client_id: emulator.clientId,
          client_secret: emulator.clientSecret,
        }),
      );
    },
  },
});
