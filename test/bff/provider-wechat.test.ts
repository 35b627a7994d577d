import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthBffError, resolveConfig, silentLogger } from '../../bff/index.js';
import { TEST_SECRET } from '../support/bff.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { loginThrough, onStackFor, sessionIn, startProviderStack, type ProviderStack } from '../support/provider-stack.js';
import { startWeChatEmulator, WECHAT_PATHS, type WeChatBehavior, type WeChatEmulator } from '../../emulators/wechat.js';

const endpointsAt = (origin: string) => ({
  authorization: origin + WECHAT_PATHS.authorization,
  token: origin + WECHAT_PATHS.token,
  userinfo: origin + WECHAT_PATHS.userinfo,
});

let stack: ProviderStack<WeChatEmulator>;
beforeAll(async () => {
  stack = await startProviderStack(startWeChatEmulator, (wechat) => ({
    providers: [
      { id: 'wechat', type: 'wechat', clientId: wechat.appId, clientSecret: wechat.appSecret, endpoints: endpointsAt(wechat.origin) },
      { id: 'wechat-en', type: 'wechat', lang: 'en', clientId: wechat.appId, clientSecret: wechat.appSecret, endpoints: endpointsAt(wechat.origin) },
    ],
  }));
});
beforeEach(() => stack.idp.reset());
afterAll(() => stack.close());

const lastRequest = (path: string) => stack.idp.requests.findLast((request) => request.path === path);

describe('type wechat: website login (网站应用微信登录) against the WeChat emulator', () => {
  it('signs the user in as wechat:<openid> with the unionid, the nickname and the avatar over https', async () => {
    const { location, browser } = await loginThrough(stack, 'wechat');
    expect(location).toBe('/home');
    const { user } = stack.idp;
    expect(await sessionIn(stack, browser)).toEqual({
      authenticated: true,
      provider: 'wechat',
      expiresAt: expect.any(Number),
      linked: ['wechat'],
      user: {
        id: `wechat:${user.openid}`,
        provider: 'wechat',
        providerUserId: user.openid,
        unionId: user.unionid,
        name: user.nickname,
        avatarUrl: user.headimgurl.replace(/^http:/, 'https:'),
      },
    });
  });

  it('lists itself as "WeChat" of type wechat, embeddable (the QR code in an iframe)', async () => {
    const providers = await (await fetch(`${stack.origin}/auth/providers`, { headers: fetchHeaders })).json();
    expect(providers).toContainEqual({ id: 'wechat', name: 'WeChat', type: 'wechat', embeddable: true });
  });

  it("sends the browser to qrconnect with WeChat's parameters in WeChat's order, the #wechat_redirect fragment and no PKCE", async () => {
    const { authorizationUrl } = await loginThrough(stack, 'wechat');
    const state = new URL(authorizationUrl).searchParams.get('state') ?? '';
    expect(state).toMatch(/^[A-Za-z0-9]{32}$/);
    const redirectUri = encodeURIComponent(`${stack.origin}/auth/callback/wechat`);
    expect(authorizationUrl).toBe(
      `${stack.idp.origin}/connect/qrconnect?appid=${stack.idp.appId}&redirect_uri=${redirectUri}` +
        `&response_type=code&scope=snsapi_login&state=${state}#wechat_redirect`,
    );
  });

  it('redeems the code by GET with appid and secret in the query, then reads userinfo with the token, the openid and lang', async () => {
    const { callbackUrl } = await loginThrough(stack, 'wechat');
    const code = new URL(callbackUrl ?? '').searchParams.get('code');
    const token = lastRequest(WECHAT_PATHS.token);
    expect(token?.method).toBe('GET');
    expect(token?.search).toBe(`?appid=${stack.idp.appId}&secret=${stack.idp.appSecret}&code=${code}&grant_type=authorization_code`);
    expect(token?.body).toEqual({});

    const userinfo = lastRequest(WECHAT_PATHS.userinfo);
    const accessToken = stack.idp.issued.findLast((issued) => issued.startsWith('ACCESS_'));
    expect(userinfo?.query).toEqual({ access_token: accessToken, openid: stack.idp.user.openid, lang: 'zh_CN' });

    await loginThrough(stack, 'wechat-en');
    expect(lastRequest(WECHAT_PATHS.userinfo)?.query.lang).toBe('en');
  });

  it('a denial, which comes back with only state and no code, ends the login with access_denied', async () => {
    stack.idp.behave({ authorize: 'deny' });
    const { callbackUrl, location, browser } = await loginThrough(stack, 'wechat');
    expect([...new URL(callbackUrl ?? '').searchParams.keys()]).toEqual(['state']);
    expect(location).toBe('/home?auth_error=access_denied');
    expect(await sessionIn(stack, browser)).toEqual({ authenticated: false });
  });

  const failures: Array<[string, string, Partial<WeChatBehavior>]> = [
    ['an errcode (HTTP 200) from the token endpoint', 'token_exchange_failed', { token: 'errcode' }],
    ['errcode -1 (system busy) from the token endpoint', 'provider_unavailable', { token: 'busy' }],
    ['an errcode (HTTP 200) from userinfo', 'profile_failed', { userinfo: 'errcode' }],
    ["a userinfo answer about another openid than the token's", 'profile_failed', { userinfo: 'openid-mismatch' }],
    ['a 500 from the token endpoint', 'provider_unavailable', { token: 'status-500' }],
    ['a token endpoint that never answers', 'provider_unavailable', { token: 'hang' }],
    ['a token answer that stops halfway', 'provider_unavailable', { token: 'stall-body' }],
    ['a userinfo endpoint that never answers', 'provider_unavailable', { userinfo: 'hang' }],
  ];
  it.each(failures)('%s ends the login with %s and no session', async (_, code, behavior) => {
    stack.idp.behave(behavior);
    await onStackFor(stack, behavior, async (target) => {
      const { location, browser } = await loginThrough(target, 'wechat');
      expect(location).toBe(`/home?auth_error=${code}`);
      expect(await sessionIn(target, browser)).toEqual({ authenticated: false });
    });
  });

  it('no app secret, code or token reaches the logs, whether the login succeeds or fails', async () => {
    const before = stack.bff.logs.lines.length;
    expect((await loginThrough(stack, 'wechat')).location).toBe('/home');
    stack.idp.behave({ token: 'errcode' });
    expect((await loginThrough(stack, 'wechat')).location).toBe('/home?auth_error=token_exchange_failed');
    stack.idp.reset();
    stack.idp.behave({ userinfo: 'errcode' });
    expect((await loginThrough(stack, 'wechat')).location).toBe('/home?auth_error=profile_failed');

    const logged = stack.bff.logs.lines.slice(before);
    expect(logged.map((line) => line.event)).toEqual(expect.arrayContaining(['login.success', 'login.failure']));
    const text = JSON.stringify(logged);
    for (const secret of [stack.idp.appSecret, ...stack.idp.issued]) expect(text).not.toContain(secret);
    expect(text).not.toContain(stack.idp.origin.replace('http://', ''));
  });
});

describe('type wechat: configuration and errors', () => {
  const wechat = (entry: Record<string, unknown> = {}) =>
    resolveConfig({
      baseUrl: 'https://app.example.com',
      secrets: [TEST_SECRET],
      logger: silentLogger,
      providers: [{ id: 'wechat', type: 'wechat', clientId: 'wx0123456789abcdef', clientSecret: 'app-secret-0123456789', ...entry }],
    }).providers[0];

  it("defaults to WeChat's qrconnect address, also when an override is left undefined", async () => {
    const provider = wechat({ endpoints: { authorization: undefined } });
    const { url } = (await provider?.authorizationUrl({ redirectUri: 'https://app.example.com/auth/callback/wechat', state: 'abc', codeChallenge: 'x' })) ?? {};
    expect(url?.href).toMatch(/^https:\/\/open\.weixin\.qq\.com\/connect\/qrconnect\?appid=wx0123456789abcdef&/);
  });

  it('names the missing clientSecret, a bad lang and an endpoint key WeChat does not have', () => {
    expect(() => wechat({ clientSecret: undefined })).toThrow(/providers\.0\.clientSecret: is required/);
    expect(() => wechat({ lang: 'fr' })).toThrow(/providers\.0\.lang: /);
    expect(() => wechat({ endpoints: { revocation: 'https://api.weixin.qq.com/revoke' } })).toThrow(/providers\.0\.endpoints: .*revocation/);
    const plainHttp = { token: 'http://api.weixin.qq.com/sns/oauth2/access_token' };
    expect(() => wechat({ endpoints: plainHttp })).toThrow(/providers\.0\.endpoints\.token: must be https/);
  });

  it('its errors name no URL, secret or code, whether WeChat refuses or cannot be reached', async () => {
    const closed = await startWeChatEmulator();
    await closed.close();
    stack.idp.behave({ token: 'errcode' });
    const transaction = { provider: 'wechat', state: 'x', codeVerifier: 'v', returnTo: '/' };
    for (const [origin, code] of [[stack.idp.origin, 'token_exchange_failed'], [closed.origin, 'provider_unavailable']] as const) {
      const provider = wechat({ endpoints: endpointsAt(origin) });
      const thrown = await provider?.exchangeCode(new URLSearchParams({ code: 'the-code', state: 'x' }), transaction, '').catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(AuthBffError);
      expect((thrown as AuthBffError).code).toBe(code);
      const messages: string[] = [];
      for (let error = thrown as Error | undefined; error; error = error.cause as Error | undefined) messages.push(error.message);
      expect(messages.join('\n')).not.toMatch(/app-secret|the-code|http|127\.0\.0\.1:\d+\//);
    }
  });
});
