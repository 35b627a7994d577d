/**
 * Every built-in platform, and one of the test app's own (`platforms`), through the real BFF routes against its emulator: the
 * happy path with the expected User, a refusal at the token step and at the id or
 * profile step (where the platform has one: Apple's ID token is all), a denial, a provider that never answers, refresh where the platform
 * has it (through the API proxy, which asks `req.auth.accessToken()`), and each
 * platform's own quirks. One BFF serves all platforms at once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig, tokenlessIds } from '../../bff/config/resolve.js';
import { startTestBffOnFreePort, TEST_SECRET, type TestBff, type TestBffConfig } from '../support/bff.js';
import type { TestBrowser } from '../support/browser.js';
import { fetchHeaders } from '../support/dev-stack.js';
import { loginThrough, onStackFor, sessionIn, STACK_TIMEOUT_MS, type ProviderStack } from '../support/provider-stack.js';
import { PLATFORM_CASES, type AnyEmulator, type PlatformCase } from '../support/platform-cases/index.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

let bff: TestBff;
let bffConfig: TestBffConfig;
let origin: string;
let upstream: Upstream;
const emulators = new Map<string, AnyEmulator>();

beforeAll(async () => {
  for (const platform of PLATFORM_CASES) emulators.set(platform.id, await platform.start());
  upstream = await startUpstream();
  const providers = PLATFORM_CASES.flatMap((platform) => platform.entries(emulators.get(platform.id) as AnyEmulator));
  const platforms = PLATFORM_CASES.flatMap(({ platform }) => (platform ? [platform] : []));
  // An API route per platform, but for those that give no token of the user (WeCom): no proxy can name them.
  const tokenless = tokenlessIds(resolveConfig({ baseUrl: 'http://127.0.0.1:1', secrets: [TEST_SECRET], platforms, providers }).providers);
  const apis = PLATFORM_CASES.filter(({ id }) => !tokenless.has(id)).map(({ id }) => ({ path: `/api/${id}`, provider: id, target: upstream.origin }));
  bffConfig = { httpTimeoutMs: STACK_TIMEOUT_MS, platforms, providers, apis };
  bff = await startTestBffOnFreePort(bffConfig);
  origin = bff.url;
});
afterAll(async () => {
  await bff?.close();
  await Promise.all([...emulators.values()].map((emulator) => emulator.close()));
  await upstream?.close();
});


describe.each(PLATFORM_CASES.map((platform) => [platform.id, platform] as const))('type %s', (id, platform: PlatformCase) => {
  let emulator: AnyEmulator;
  let stack: ProviderStack<AnyEmulator>;
  beforeAll(() => {
    emulator = emulators.get(id) as AnyEmulator;
    stack = { idp: emulator, bff, origin, config: bffConfig, close: async () => {} };
  });
  beforeEach(() => emulator.reset());

  const failsWith = async (code: string, provider = id, target = stack) => {
    const { location, browser } = await loginThrough(target, provider);
    expect(location).toBe(`/home?auth_error=${code}`);
    expect(await sessionIn(target, browser)).toEqual({ authenticated: false });
  };

  it('signs the user in with the expected User', async () => {
    const { location, browser } = await loginThrough(stack, id);
    expect(location).toBe('/home');
    const user = platform.user(emulator);
    expect(await sessionIn(stack, browser)).toEqual({
      authenticated: true,
      provider: id,
      expiresAt: expect.any(Number),
      linked: [id],
      user: { id: `${id}:${user.providerUserId}`, provider: id, ...user },
    });
  });

  it('lists itself with its name and type, and whether it can be embedded', async () => {
    const providers = await (await fetch(`${origin}/auth/providers`, { headers: fetchHeaders })).json();
    expect(providers).toContainEqual({ id, name: platform.name, type: platform.type ?? id, ...(platform.embeddable ? { embeddable: true } : {}) });
  });

  /** The platform's refusal, logged as the provider's error code (never its free text). */
  const lastReason = () => bff.logs.lines.findLast((line) => line.event === 'login.failure' && line.provider === id)?.reason;

  it('a refusal at the token step ends the login with token_exchange_failed', async () => {
    emulator.behave(platform.refusals.token);
    await failsWith('token_exchange_failed');
    expect(lastReason()).toMatch(/^provider_error:[a-z][a-z0-9_]*$/);
  });

  const { profile } = platform.refusals;
  if (profile) {
    it('a refusal at the id or profile step ends the login with profile_failed', async () => {
      emulator.behave(profile);
      await failsWith('profile_failed');
      expect(lastReason()).toMatch(/^provider_error:[a-z][a-z0-9_]*$|^response_unexpected_status$/);
    });

    it('a profile endpoint that answers 500 ends the login with provider_unavailable', async () => {
      emulator.behave(Object.fromEntries(Object.keys(profile).map((profileSwitch) => [profileSwitch, 'status-500'])));
      await failsWith('provider_unavailable');
    });
  }

  it('a user who says no comes back with access_denied', async () => {
    emulator.behave({ authorize: 'deny' });
    await failsWith('access_denied');
  });

  it('a token endpoint that never answers ends the login with provider_unavailable', async () => {
    const behavior = { token: 'hang' } as const;
    emulator.behave(behavior);
    await onStackFor(stack, behavior, (target) => failsWith('provider_unavailable', id, target));
  });

  const apiCall = (browser: TestBrowser) => browser.get(`${origin}/api/${id}/me`, { headers: fetchHeaders });

  const { refresh } = platform;
  if (refresh) {
    const { rotates } = refresh;
    it(`refreshes an expiring access token for the API proxy${rotates ? ', storing each rotated refresh token' : ''}`, async () => {
      emulator.expiresIn = 30;
      const { browser } = await loginThrough(stack, id);
      const issuedAtLogin = emulator.issued.length;
      // A platform whose refresh tokens are single use refuses the second refresh unless the BFF stored the new one.
      for (let call = 0; call < 2; call += 1) expect((await apiCall(browser)).status).toBe(200);
      // Each call found the token about to expire and refreshed it first: the upstream saw two tokens issued since the login.
      const sent = upstream.seen.slice(-2);
      expect(new Set(sent).size).toBe(2);
      for (const token of sent) expect(emulator.issued.slice(issuedAtLogin)).toContain(token);
    });

    it('a refused refresh ends the session (401 from the API proxy)', async () => {
      emulator.expiresIn = 30;
      const { browser } = await loginThrough(stack, id);
      emulator.behave({ refresh: refresh.refusal });
      expect((await apiCall(browser)).status).toBe(401);
      expect(await sessionIn(stack, browser)).toEqual({ authenticated: false });
    });

    const { otherUser } = refresh;
    if (otherUser) {
      it('a refresh answer naming another user is a refused refresh: the session ends (401 from the API proxy)', async () => {
        emulator.expiresIn = 30;
        const { browser } = await loginThrough(stack, id);
        emulator.behave({ refresh: otherUser });
        expect((await apiCall(browser)).status).toBe(401);
        expect(await sessionIn(stack, browser)).toEqual({ authenticated: false });
      });
    }
  } else if (refresh === false) {
    it('has no refresh: an expired access token ends the session at the API proxy', async () => {
      emulator.expiresIn = 30;
      const { browser } = await loginThrough(stack, id);
      expect((await apiCall(browser)).status).toBe(401);
    });
  }

  for (const [name, quirk] of Object.entries(platform.quirks ?? {})) {
    it(name, () => quirk({ stack, emulator, failsWith }));
  }
});
