import { createHash } from 'node:crypto';
import type { ProviderConfig } from '../../../bff/index.js';
import { expect } from 'vitest';
import { TestBrowser } from '../browser.js';
import { fetchHeaders } from '../dev-stack.js';
import { FEISHU_PATHS, startFeishuEmulator, type FeishuEmulator } from '../../../emulators/feishu.js';
import { loginThrough, sessionIn } from '../provider-stack.js';
import { entryAt, platformCase, type QuirkContext } from './platform-case.js';

/** One implementation, two types: each runs the whole suite against its own emulator. */
const feishuLikeCase = (type: 'feishu' | 'lark', name: string, extras: { entries?: ProviderConfig[]; quirks?: Record<string, (context: QuirkContext<FeishuEmulator>) => Promise<void>> } = {}) =>
  platformCase<FeishuEmulator>({
    id: type,
    name,
    start: startFeishuEmulator,
    entries: (feishu) => [entryAt(feishu, type, FEISHU_PATHS), ...(extras.entries ?? [])],
    // The addresses are not verified (user_info's document), so emailVerified stays out.
    user: ({ user }) => ({ providerUserId: user.open_id, unionId: user.union_id, name: user.name, email: user.email, avatarUrl: user.avatar_url }),
    refusals: { token: { token: 'refuse' }, profile: { userinfo: 'refuse' } },
    refresh: { rotates: true, refusal: 'refuse' },
    quirks: extras.quirks,
  });

/** The JSON bodies the BFF sent to the token endpoint. */
const tokenRequests = (feishu: FeishuEmulator) => feishu.requests.filter((request) => request.path === FEISHU_PATHS.token).map((request) => request.json as Record<string, string>);
const refreshRequests = (feishu: FeishuEmulator) => tokenRequests(feishu).filter((body) => body.grant_type === 'refresh_token');

export const larkCase = feishuLikeCase('lark', 'Lark');

export const feishuCase = feishuLikeCase('feishu', 'Feishu', {
  entries: [
    { id: 'feishu-default', type: 'feishu', clientId: 'cli_default', clientSecret: 'secret' },
    { id: 'lark-default', type: 'lark', clientId: 'cli_default', clientSecret: 'secret' },
  ],
  quirks: {
    'feishu and lark go to their own hosts unless told otherwise': async ({ stack }) => {
      for (const [provider, host] of [['feishu-default', 'accounts.feishu.cn'], ['lark-default', 'accounts.larksuite.com']] as const) {
        const url = new URL((await loginThrough(stack, provider)).authorizationUrl);
        expect(`${url.origin}${url.pathname}`).toBe(`https://${host}${FEISHU_PATHS.authorization}`);
      }
    },

    'PKCE: the token request proves the login’s S256 challenge, and a code from another login is refused': async ({ stack, emulator }) => {
      const { authorizationUrl } = await loginThrough(stack, 'feishu');
      const challenge = new URL(authorizationUrl).searchParams;
      expect(challenge.get('code_challenge_method')).toBe('S256');
      const { code_verifier: verifier } = tokenRequests(emulator).at(-1) ?? {};
      expect(createHash('sha256').update(verifier ?? '').digest('base64url')).toBe(challenge.get('code_challenge'));

      // Two logins in flight; the second browser comes back with the first one's code (an injected code).
      const [first, second] = [new TestBrowser(), new TestBrowser()];
      const providerRedirect = async (browser: TestBrowser) => {
        const authorization = (await browser.get(`${stack.origin}/auth/login/feishu?returnTo=%2Fhome`)).headers.get('location') ?? '';
        return new URL((await browser.get(authorization)).headers.get('location') ?? '');
      };
      const injected = await providerRedirect(first);
      const callback = await providerRedirect(second);
      callback.searchParams.set('code', injected.searchParams.get('code') ?? '');
      expect((await second.get(callback)).headers.get('location')).toBe('/home?auth_error=token_exchange_failed');
      expect(await sessionIn(stack, second)).toEqual({ authenticated: false });
    },

    'refresh rotates: the spent refresh token is refused, and the BFF uses the new one': async ({ stack, emulator }) => {
      emulator.expiresIn = 30;
      const { browser } = await loginThrough(stack, 'feishu');
      const apiCall = () => browser.get(`${stack.origin}/api/feishu/me`, { headers: fetchHeaders });
      expect((await apiCall()).status).toBe(200);
      const spent = refreshRequests(emulator).at(-1)?.refresh_token;
      const rotated = emulator.issued.findLast((token) => token.startsWith('ur-'));
      expect(rotated).not.toBe(spent);

      const replay = await fetch(emulator.origin + FEISHU_PATHS.token, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ grant_type: 'refresh_token', client_id: emulator.clientId, client_secret: emulator.clientSecret, refresh_token: spent }),
      });
      expect(replay.status).toBe(400);
      expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });

      expect((await apiCall()).status).toBe(200);
      expect(refreshRequests(emulator).at(-1)?.refresh_token).toBe(rotated);
    },
  },
});
