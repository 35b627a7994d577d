import { expect } from 'vitest';
import { silentLogger } from '../../../bff/log.js';
import { wecom } from '../../../bff/providers/platforms/wecom.js';
import { startWeComEmulator, WECOM_PATHS, type WeComEmulator } from '../../../emulators/wecom.js';
import { loginThrough, onStackFor, sessionIn } from '../provider-stack.js';
import { entryAt, platformCase } from './platform-case.js';

const entry = (emulator: WeComEmulator, id: string, options: { allowNonMembers?: boolean; agentId?: number } = {}) => ({
  ...entryAt(emulator, 'wecom', WECOM_PATHS),
  id,
  agentId: options.agentId ?? emulator.agentId,
  ...(options.allowNonMembers ? { allowNonMembers: true } : {}),
});

const calls = (emulator: WeComEmulator, path: string) => emulator.requests.filter((request) => request.path === path).length;

export const wecomCase = platformCase<WeComEmulator>({
  id: 'wecom',
  name: 'WeCom',
  start: startWeComEmulator,
  entries: (emulator) => [entry(emulator, 'wecom'), entry(emulator, 'wecom-open', { allowNonMembers: true }), entry(emulator, 'wecom-number', { agentId: Number(emulator.agentId) })],
  user: ({ user }) => ({ providerUserId: user.userid, name: user.name, avatarUrl: user.avatar.replace(/^http:/, 'https:') }),
  refusals: { token: { token: 'errcode' }, profile: { userinfo: 'errcode' } },
  quirks: {
    'sends the browser to the WeCom login page with its parameters in its order, agentid as text (from a string or a number)': async ({ stack, emulator }) => {
      for (const id of ['wecom', 'wecom-number']) {
        const { authorizationUrl, location } = await loginThrough(stack, id);
        const url = new URL(authorizationUrl);
        expect(url.pathname).toBe(WECOM_PATHS.authorization);
        expect([...url.searchParams.keys()]).toEqual(['login_type', 'appid', 'agentid', 'redirect_uri', 'state']);
        expect(Object.fromEntries(url.searchParams)).toMatchObject({ login_type: 'CorpApp', appid: emulator.corpId, agentid: emulator.agentId });
        expect(url.searchParams.get('redirect_uri')).toBe(`${stack.origin}/auth/callback/${id}`);
        expect(location).toBe('/home');
      }
    },
    "inside the WeCom client (user agent wxwork) sends the browser to the in-app OAuth page: snsapi_base, agentid, #wechat_redirect": async ({ stack, emulator }) => {
      const userAgent = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.20 MicroMessenger/7.0.1 Language/zh';
      const start = await fetch(`${stack.origin}/auth/login/wecom?returnTo=%2Fhome`, { redirect: 'manual', headers: { 'user-agent': userAgent, 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } });
      const url = new URL(start.headers.get('location') ?? '');
      expect(url.origin + url.pathname).toBe('https://open.weixin.qq.com/connect/oauth2/authorize');
      expect([...url.searchParams.keys()]).toEqual(['appid', 'redirect_uri', 'response_type', 'scope', 'state', 'agentid']);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({ appid: emulator.corpId, response_type: 'code', scope: 'snsapi_base', agentid: emulator.agentId });
      expect(url.hash).toBe('#wechat_redirect');
    },
    'a non-member (an openid only) is refused with access_denied': async ({ emulator, failsWith }) => {
      emulator.behave({ token: 'non-member' });
      await failsWith('access_denied');
    },
    'with allowNonMembers, a non-member signs in as the openid, and user/get is not asked': async ({ stack, emulator }) => {
      emulator.behave({ token: 'non-member' });
      const before = calls(emulator, WECOM_PATHS.userinfo);
      const { location, browser } = await loginThrough(stack, 'wecom-open');
      expect(location).toBe('/home');
      const session = await sessionIn(stack, browser);
      const { openid } = emulator.user;
      expect(session.authenticated && session.user).toEqual({ id: `wecom-open:${openid}`, provider: 'wecom-open', providerUserId: openid });
      expect(calls(emulator, WECOM_PATHS.userinfo)).toBe(before);
    },
    'user/get refused for lack of permission (60011) still signs the member in, with the id only': async ({ stack, emulator }) => {
      emulator.behave({ userinfo: 'no-permission' });
      const { location, browser } = await loginThrough(stack, 'wecom');
      expect(location).toBe('/home');
      const session = await sessionIn(stack, browser);
      const { userid } = emulator.user;
      expect(session.authenticated && session.user).toEqual({ id: `wecom:${userid}`, provider: 'wecom', providerUserId: userid });
    },
    'the app token is fetched once and kept across logins; one WeCom ended early is fetched again, once': async ({ stack, emulator }) => {
      await loginThrough(stack, 'wecom');
      const fetched = calls(emulator, WECOM_PATHS.token);
      expect((await loginThrough(stack, 'wecom')).location).toBe('/home');
      expect(calls(emulator, WECOM_PATHS.token)).toBe(fetched);
      emulator.expireAppTokens();
      const identityCalls = calls(emulator, WECOM_PATHS.identity);
      expect((await loginThrough(stack, 'wecom')).location).toBe('/home');
      expect(calls(emulator, WECOM_PATHS.token)).toBe(fetched + 1);
      expect(calls(emulator, WECOM_PATHS.identity)).toBe(identityCalls + 2);
      // Nothing secret is logged: no app token appears in the BFF's log lines.
      const logged = JSON.stringify(stack.bff.logs.lines);
      expect(emulator.issued.filter((value) => value.startsWith('APP_') && logged.includes(value))).toEqual([]);
    },
    'an app token refused as expired again after the new fetch ends the login (token_exchange_failed): one re-fetch, no loop': async ({ emulator, failsWith }) => {
      emulator.behave({ token: 'stale' });
      const fetched = calls(emulator, WECOM_PATHS.token);
      await failsWith('token_exchange_failed');
      expect(calls(emulator, WECOM_PATHS.token)).toBe(fetched + 1);
    },
    'logins that need the app token at the same time wait for one gettoken': async ({ stack, emulator }) => {
      const config = wecom.configSchema.parse(entry(emulator, 'wecom-fresh'));
      const provider = wecom.create(config, { httpTimeoutMs: stack.config.httpTimeoutMs ?? 10_000, logger: silentLogger });
      const redirectUri = `${stack.origin}/auth/callback/wecom-fresh`;
      const callback = () => new URLSearchParams({ code: emulator.grants.code({ redirectUri, scope: '' }), state: 'x' });
      const transaction = { provider: 'wecom-fresh', state: 'x', codeVerifier: 'v', returnTo: '/' };
      const before = calls(emulator, WECOM_PATHS.token);
      const results = await Promise.all([1, 2, 3].map(() => provider.exchangeCode(callback(), transaction, redirectUri)));
      expect(results.map(({ tokens }) => tokens.userid)).toEqual([emulator.user.userid, emulator.user.userid, emulator.user.userid]);
      expect(calls(emulator, WECOM_PATHS.token)).toBe(before + 1);
    },
    'config validation refuses a ServiceApp entry (no suite_ticket here) and an agentId that is not a number, saying what to do': async ({ emulator }) => {
      const issues = (fields: object) => wecom.configSchema.safeParse({ ...entry(emulator, 'wecom-bad'), ...fields }).error?.issues.map(({ path, message }) => `${path.join('.')}: ${message}`);
      expect(issues({ loginType: 'ServiceApp' })).toEqual([expect.stringMatching(/^loginType: ServiceApp .*suite_ticket.*CorpApp/)]);
      expect(issues({ agentId: '10000x' })).toEqual(["agentId: must be the app's AgentId (digits)"]);
      expect(issues({ loginType: 'CorpApp', agentId: 1000002 })).toBeUndefined();
    },
    'WeCom busy (-1) ends the login with provider_unavailable': async ({ emulator, failsWith }) => {
      emulator.behave({ token: 'busy' });
      await failsWith('provider_unavailable');
    },
    'a gettoken refusal (wrong secret, 40001) ends the login with token_exchange_failed': async ({ emulator, failsWith }) => {
      emulator.expireAppTokens();
      emulator.behave({ appToken: 'errcode' });
      await failsWith('token_exchange_failed');
    },
    'a gettoken that never answers ends the login with provider_unavailable': async ({ stack, emulator }) => {
      const behavior = { appToken: 'hang' } as const;
      emulator.behave(behavior);
      await onStackFor(stack, behavior, async (target) => {
        const { location } = await loginThrough(target, 'wecom');
        expect(location).toBe('/home?auth_error=provider_unavailable');
      });
    },
  },
});
