import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_PATHS, startGitHubEmulator, type GitHubEmulator } from '../../emulators/github.js';
import { startWeChatEmulator, WECHAT_PATHS, type WeChatEmulator } from '../../emulators/wechat.js';

const redirectUri = 'http://127.0.0.1:9/auth/callback/x';

/** Follows the emulator's authorization endpoint and returns the code it sent back. */
async function codeFrom(url: URL): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  return new URL(response.headers.get('location') ?? '').searchParams.get('code') ?? '';
}

describe('GitHub emulator: the documented answers the BFF never provokes', () => {
  let github: GitHubEmulator;
  beforeAll(async () => {
    github = await startGitHubEmulator();
  });
  afterAll(() => github.close());

  const authorize = () => {
    const url = new URL(github.origin + GITHUB_PATHS.authorization);
    url.search = new URLSearchParams({ client_id: github.clientId, redirect_uri: redirectUri, scope: 'read:user user:email', state: 's' }).toString();
    return codeFrom(url);
  };

  it('answers the token request form-encoded unless asked for JSON', async () => {
    const body = new URLSearchParams({ client_id: github.clientId, client_secret: github.clientSecret, code: await authorize() });
    const response = await fetch(github.origin + GITHUB_PATHS.token, { method: 'POST', body });
    expect(response.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    const answer = new URLSearchParams(await response.text());
    expect(answer.get('token_type')).toBe('bearer');
    expect(answer.get('scope')).toBe('read:user,user:email');
  });

  it('refuses an API call without a User-Agent with 403', async () => {
    const response = await fetch(github.origin + GITHUB_PATHS.userinfo, { headers: { 'user-agent': '' } });
    expect(response.status).toBe(403);
  });
});

describe('WeChat emulator: the documented answers the BFF never provokes', () => {
  let wechat: WeChatEmulator;
  beforeAll(async () => {
    wechat = await startWeChatEmulator();
  });
  afterAll(() => wechat.close());

  const authorizeUrl = (scope: string) => {
    const url = new URL(wechat.origin + WECHAT_PATHS.authorization);
    url.search = new URLSearchParams({ appid: wechat.appId, redirect_uri: redirectUri, response_type: 'code', scope, state: 's' }).toString();
    return url;
  };

  it('shows "该链接无法访问" instead of redirecting when a parameter is wrong or out of order', async () => {
    const reordered = authorizeUrl('snsapi_login');
    reordered.search = new URLSearchParams([...reordered.searchParams].reverse()).toString();
    for (const url of [authorizeUrl('snsapi_userinfo'), reordered]) {
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('该链接无法访问');
    }
  });

  it('serves the token answer as text/plain, and a reused code as HTTP 200 with errcode 40163', async () => {
    const url = new URL(wechat.origin + WECHAT_PATHS.token);
    const code = await codeFrom(authorizeUrl('snsapi_login'));
    url.search = new URLSearchParams({ appid: wechat.appId, secret: wechat.appSecret, code, grant_type: 'authorization_code' }).toString();
    const first = await fetch(url);
    expect(first.headers.get('content-type')).toBe('text/plain');
    expect(await first.json()).toMatchObject({ openid: wechat.user.openid, unionid: wechat.user.unionid, expires_in: 7200 });
    const again = await fetch(url);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ errcode: 40163 });
  });
});
