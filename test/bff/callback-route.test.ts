import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginThrough, sessionIn, startProviderStack, type ProviderStack } from '../support/provider-stack.js';
import { startWeChatEmulator, WECHAT_PATHS, type WeChatEmulator } from '../../emulators/wechat.js';

let stack: ProviderStack<WeChatEmulator>;
beforeAll(async () => {
  stack = await startProviderStack(startWeChatEmulator, (wechat) => ({
    providers: [
      {
        id: 'wechat',
        type: 'wechat',
        clientId: wechat.appId,
        clientSecret: wechat.appSecret,
        endpoints: { authorization: wechat.origin + WECHAT_PATHS.authorization, token: wechat.origin + WECHAT_PATHS.token, userinfo: wechat.origin + WECHAT_PATHS.userinfo },
      },
    ],
  }));
});
afterAll(() => stack.close());

describe('the callback route of a provider that redirects back (no form_post)', () => {
  it("refuses a POST with 405 and Allow: GET, leaving the browser's session as it was", async () => {
    const { browser } = await loginThrough(stack, 'wechat');
    const login = await browser.get(`${stack.origin}/auth/login/wechat`);
    const state = new URL(login.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const posted = await browser.post(`${stack.origin}/auth/callback/wechat`, { body: new URLSearchParams({ code: 'x', state }) });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET');
    expect(await posted.json()).toMatchObject({ error: 'method_not_allowed' });
    expect((await sessionIn(stack, browser)).authenticated).toBe(true);
  });

  it('answers other methods with 405 naming GET and POST', async () => {
    const response = await fetch(`${stack.origin}/auth/callback/wechat`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });
});
