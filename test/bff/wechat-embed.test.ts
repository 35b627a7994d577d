/**
 * Issue #17, sections 1 and 2 at the HTTP level: the embed route (WeChat's QR page in the app's
 * own iframe) and the `inWeChat` hand-off of `/auth/login/wechat` to the official account's login
 * inside WeChat's browser, against two WeChat emulators: the website app and the official account.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isEmbedStylesheet } from '../../shared/index.js';
import { ConfigError, resolveConfig } from '../../bff/index.js';
import { startTestBffOnFreePort, TEST_SECRET, type TestBff, type TestBffConfig } from '../support/bff.js';
import { TestBrowser } from '../support/browser.js';
import { runs, URL_PIECES } from '../support/fuzz.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { startWeChatEmulator, WECHAT_PATHS, WECHAT_SCAN_PATH, type WeChatEmulator } from '../../emulators/wechat.js';
import { sessionIn } from '../support/provider-stack.js';
import { USER_AGENTS } from '../support/user-agents.js';

const { officialAccountAuthorization, ...sns } = WECHAT_PATHS;
const endpointsAt = (origin: string, authorization: string) => ({ authorization: origin + authorization, token: origin + sns.token, userinfo: origin + sns.userinfo });

let site: WeChatEmulator;
let mp: WeChatEmulator;
let bff: TestBff;
let config: TestBffConfig;
beforeAll(async () => {
  [site, mp] = await Promise.all([startWeChatEmulator(), startWeChatEmulator()]);
  config = {
    providers: [
      { id: 'wechat', type: 'wechat', clientId: site.appId, clientSecret: site.appSecret, endpoints: endpointsAt(site.origin, sns.authorization), inWeChat: 'wechat-mp' },
      { id: 'wechat-mp', type: 'wechat-mp', clientId: mp.appId, clientSecret: mp.appSecret, endpoints: endpointsAt(mp.origin, officialAccountAuthorization) },
      { id: 'gh', type: 'github', clientId: 'a', clientSecret: 'b' },
    ],
  };
  bff = await startTestBffOnFreePort(config);
});
beforeEach(() => {
  site.reset();
  mp.reset();
});
afterAll(async () => {
  await bff?.close();
  await Promise.all([site?.close(), mp?.close()]);
});

const embed = (browser: TestBrowser, provider: string, query = 'returnTo=/home', headers: Record<string, string> = fetchHeaders) =>
  browser.get(`${bff.url}/auth/login/${provider}/embed?${query}`, { headers });

/** The embed route's URL, the QR page it shows, and its "scan": where the top window is sent. */
async function scanEmbedded(browser: TestBrowser, query?: string) {
  const response = await embed(browser, 'wechat', query);
  expect(response.status).toBe(200);
  const { url } = (await response.json()) as { url: string };
  const page = await browser.get(url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<button>scan</button>');
  const scanned = await browser.get(`${site.origin}${WECHAT_SCAN_PATH}${new URL(url).search}`);
  return { url, callbackUrl: scanned.headers.get('location') ?? '' };
}

describe('GET /auth/login/:provider/embed', () => {
  it("answers the QR page's URL as wxLogin.js builds it: jssdk, top-window redirect, the options, redirect_uri encoded once, no fragment", async () => {
    const browser = new TestBrowser();
    const href = 'https://cdn.example.com/qr.css';
    const response = await embed(browser, 'wechat', `returnTo=/home&style=white&href=${encodeURIComponent(href)}&lang=en`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { url } = (await response.json()) as { url: string };
    const state = new URL(url).searchParams.get('state') ?? '';
    expect(state).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(url).toBe(
      `${site.origin}/connect/qrconnect?appid=${site.appId}&scope=snsapi_login` +
        `&redirect_uri=${encodeURIComponent(`${bff.url}/auth/callback/wechat`)}&state=${state}` +
        `&login_type=jssdk&self_redirect=false&style=white&href=${encodeURIComponent(href)}&lang=en`,
    );
    // The same transaction cookie as the redirect login, named by the state.
    expect(browser.cookies(bff.url).map(({ name }) => name)).toEqual([`bff-auth.tx.${state}`]);
  });

  it('leaves out the options not given, and takes a data:text/css stylesheet', async () => {
    const { url } = (await (await embed(new TestBrowser(), 'wechat')).json()) as { url: string };
    expect([...new URL(url).searchParams.keys()]).toEqual(['appid', 'scope', 'redirect_uri', 'state', 'login_type', 'self_redirect']);
    const css = `data:text/css;base64,${Buffer.from('.impowerBox .qrcode {width: 200px;}').toString('base64')}`;
    const styled = (await (await embed(new TestBrowser(), 'wechat', `href=${encodeURIComponent(css)}`)).json()) as { url: string };
    expect(new URL(styled.url).searchParams.get('href')).toBe(css);
  });

  it('a scan signs the user in through the normal callback and lands on returnTo; no token in any answer the browser gets', async () => {
    const browser = new TestBrowser();
    const bodies: string[] = [];
    const { callbackUrl } = await scanEmbedded(browser);
    expect(callbackUrl.startsWith(`${bff.url}/auth/callback/wechat?code=`)).toBe(true);
    const callback = await browser.get(callbackUrl);
    expect(callback.headers.get('location')).toBe('/home');
    const session = await sessionIn({ origin: bff.url }, browser);
    bodies.push(JSON.stringify(session), ...browser.setCookieLog);
    expect(session).toMatchObject({ authenticated: true, provider: 'wechat', user: { providerUserId: site.user.openid, unionId: site.user.unionid } });
    const tokens = site.issued.filter((issued) => /^(ACCESS|REFRESH)_/.test(issued));
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(bodies.join('\n')).not.toContain(token);
  });

  it.each([
    ['its state changed', (state: string) => `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`],
    ['its state removed', () => undefined],
  ])("the embedded login's callback with %s is refused: invalid_state, no session", async (_, tamper) => {
    const browser = new TestBrowser();
    const { callbackUrl } = await scanEmbedded(browser);
    const tampered = new URL(callbackUrl);
    const changed = tamper(tampered.searchParams.get('state') ?? '');
    if (changed === undefined) tampered.searchParams.delete('state');
    else tampered.searchParams.set('state', changed);
    const callback = await browser.get(tampered);
    // No transaction matches, so its returnTo is not known either.
    expect(callback.headers.get('location')).toBe('/?auth_error=invalid_state');
    expect(await sessionIn({ origin: bff.url }, browser)).toEqual({ authenticated: false });
  });

  it('demands x-csrf: 1 (a fetch route): 403 csrf_required, no transaction cookie', async () => {
    const browser = new TestBrowser();
    const response = await embed(browser, 'wechat', 'returnTo=/home', {});
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'csrf_required' });
    expect(browser.setCookieLog).toEqual([]);
  });

  it("is a fetch, not a navigation: the browser's Sec-Fetch-Dest: empty is served", async () => {
    const response = await embed(new TestBrowser(), 'wechat', '', { ...fetchHeaders, 'sec-fetch-dest': 'empty' });
    expect(response.status).toBe(200);
  });

  it.each([
    ['a provider that cannot embed (github)', 'gh'],
    ['an official account, whose page works only inside WeChat', 'wechat-mp'],
    ['no configured provider', 'nope'],
  ])('%s: 404 unknown_provider, no transaction cookie', async (_, provider) => {
    const browser = new TestBrowser();
    const response = await embed(browser, provider);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'unknown_provider' });
    expect(browser.setCookieLog).toEqual([]);
  });

  it.each([
    ['an http stylesheet', `href=${encodeURIComponent('http://cdn.example.com/qr.css')}`],
    ['a javascript: stylesheet', `href=${encodeURIComponent('javascript:alert(1)')}`],
    ['a data: URL that is not CSS', `href=${encodeURIComponent('data:text/html,<script>alert(1)</script>')}`],
    ['a style WeChat does not have', 'style=red'],
    ['a language WeChat does not have', 'lang=fr'],
    ['a repeated option', 'style=white&style=black'],
  ])('%s: 400 invalid_request, no transaction cookie', async (_, query) => {
    const browser = new TestBrowser();
    const response = await embed(browser, 'wechat', query);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    expect(browser.setCookieLog).toEqual([]);
  });

  it('property: any options give the QR page on the emulator with only stylesheets it may load, or a 400; never a 5xx, a fragment or another page', async () => {
    const value = fc.oneof(
      fc.constantFrom('black', 'white', 'cn', 'en', 'https://cdn.example.com/a.css', 'data:text/css,a{}', 'javascript:alert(1)', 'http://x'),
      fc.array(fc.constantFrom(...URL_PIECES), { maxLength: 5 }).map((pieces) => pieces.join('')),
      fc.string({ maxLength: 40 }),
    );
    const option = fc.tuple(fc.constantFrom('style', 'href', 'lang', 'returnTo', 'state', 'redirect_uri', 'appid'), value);
    await fc.assert(
      fc.asyncProperty(fc.array(option, { maxLength: 5 }), async (options) => {
        const query = new URLSearchParams(options.map(([name, text]) => [name, text.replace(/[\uD800-\uDFFF]/g, '\uFFFD')])).toString();
        const response = await embed(new TestBrowser(), 'wechat', query);
        expect([200, 400], query).toContain(response.status);
        if (response.status !== 200) return;
        const url = new URL(((await response.json()) as { url: string }).url);
        expect(url.origin + url.pathname).toBe(site.origin + sns.authorization);
        expect(url.hash).toBe('');
        expect(url.searchParams.get('appid')).toBe(site.appId);
        expect(url.searchParams.getAll('redirect_uri')).toEqual([`${bff.url}/auth/callback/wechat`]);
        for (const href of url.searchParams.getAll('href')) expect(isEmbedStylesheet(href)).toBe(true);
      }),
      { numRuns: runs(60) },
    );
  });

  it("counts against the logins' rate limit: over it a JSON 429 with Retry-After, and the redirect login is over it too", async () => {
    const limited = await startTestBffOnFreePort({ ...config, rateLimit: { loginsPerMinute: 2 } });
    try {
      const ask = () => new TestBrowser().get(`${limited.url}/auth/login/wechat/embed`, { headers: fetchHeaders });
      expect((await ask()).status).toBe(200);
      expect((await ask()).status).toBe(200);
      const refused = await ask();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ error: 'rate_limited' });
      expect((await fetch(`${limited.url}/auth/login/wechat`, { redirect: 'manual' })).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('takes GET only', async () => {
    const response = await fetch(`${bff.url}/auth/login/wechat/embed`, { method: 'POST', headers: fetchHeaders });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('GET /auth/providers says embeddable for the wechat entry only', async () => {
    const providers = await (await fetch(`${bff.url}/auth/providers`, { headers: fetchHeaders })).json();
    expect(providers).toEqual([
      { id: 'wechat', name: 'WeChat', type: 'wechat', embeddable: true },
      { id: 'wechat-mp', name: 'WeChat', type: 'wechat-mp' },
      { id: 'gh', name: 'GitHub', type: 'github' },
    ]);
  });
});

describe('GET /auth/login/wechat by user agent (inWeChat)', () => {
  const start = (userAgent: string) => new TestBrowser().get(`${bff.url}/auth/login/wechat?returnTo=/home`, { headers: { 'user-agent': userAgent } });

  it("inside WeChat: the official account's own login, transaction and callback; the session is the wechat-mp entry's", async () => {
    const browser = new TestBrowser();
    const headers = { 'user-agent': USER_AGENTS.wechat };
    const siteRequests = site.requests.length;
    const started = await browser.get(`${bff.url}/auth/login/wechat?returnTo=/home`, { headers });
    const authorizationUrl = new URL(started.headers.get('location') ?? '');
    expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(mp.origin + officialAccountAuthorization);
    expect(authorizationUrl.searchParams.get('appid')).toBe(mp.appId);
    expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(`${bff.url}/auth/callback/wechat-mp`);
    expect(authorizationUrl.searchParams.get('scope')).toBe('snsapi_userinfo');
    const back = await browser.get(authorizationUrl, { headers });
    const callback = await browser.get(back.headers.get('location') ?? '', { headers });
    expect(callback.headers.get('location')).toBe('/home');
    expect(await sessionIn({ origin: bff.url }, browser)).toMatchObject({
      authenticated: true,
      provider: 'wechat-mp',
      user: { id: `wechat-mp:${mp.user.openid}`, providerUserId: mp.user.openid, unionId: mp.user.unionid },
    });
    expect(site.requests.length).toBe(siteRequests);
  });

  it.each([
    ["WeCom's browser (wxwork), which is not WeChat", USER_AGENTS.wecom],
    ['a desktop browser', USER_AGENTS.desktop],
    ['no user agent at all', ''],
  ])('%s: the QR page', async (_, userAgent) => {
    const location = new URL((await start(userAgent)).headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(site.origin + sns.authorization);
    expect(location.searchParams.get('redirect_uri')).toBe(`${bff.url}/auth/callback/wechat`);
  });

  it('a wechat entry without inWeChat keeps the QR page inside WeChat too', () => {
    const { providers } = resolveConfig({
      baseUrl: 'https://app.example.com',
      secrets: [TEST_SECRET],
      providers: [{ id: 'wechat', type: 'wechat', clientId: 'wx1', clientSecret: 's' }],
    });
    expect(providers[0]?.handOff).toBeUndefined();
  });

  it.each([
    ['no entry of that id', [], 'providers.0.inWeChat: no wechat-mp provider "wechat-mp" is configured'],
    ['an entry of another type', [{ id: 'wechat-mp', type: 'github', clientId: 'a', clientSecret: 'b' }], 'providers.0.inWeChat: no wechat-mp provider "wechat-mp" is configured'],
  ])('inWeChat naming %s is a config error naming the field', (_, others, message) => {
    const config = {
      baseUrl: 'https://app.example.com',
      secrets: [TEST_SECRET],
      providers: [{ id: 'wechat', type: 'wechat', clientId: 'wx1', clientSecret: 's', inWeChat: 'wechat-mp' }, ...others],
    };
    expect(() => resolveConfig(config)).toThrow(ConfigError);
    expect(() => resolveConfig(config)).toThrow(message);
  });
});
