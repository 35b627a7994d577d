import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logoutAtDevProvider, TestBrowser } from '../support/browser.js';
import { DEV_CLIENT, fetchHeaders, login, startDevStack, type DevStack } from '../support/dev-stack.js';
import type { AuthEvent } from '../../bff/index.js';
import type { SessionResponse } from '../../shared/index.js';

let stack: DevStack;
const events: AuthEvent[] = [];
beforeAll(async () => {
  stack = await startDevStack({
    onEvent: (event) => {
      events.push(event);
    },
  });
});
afterAll(() => stack.close());

const session = async (browser: TestBrowser) =>
  (await browser.get(`${stack.origin}/auth/session?slide=false`, { headers: fetchHeaders })).json() as Promise<SessionResponse>;

const backchannel = (body: string) =>
  fetch(`${stack.origin}/auth/backchannel-logout/dev`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });

describe('OIDC back-channel logout', () => {
  it('signing out at the provider ends the session at the BFF', async () => {
    const browser = new TestBrowser();
    await login(browser, stack, 'carol');
    expect(await session(browser)).toMatchObject({ authenticated: true });

    const endSession = new URL(`${stack.dev.issuer}/session/end`);
    endSession.searchParams.set('client_id', DEV_CLIENT.clientId);
    await logoutAtDevProvider(browser, endSession.href);
    await vi.waitFor(async () => expect(await session(browser)).toEqual({ authenticated: false }), { timeout: 5000 });
    const logged = stack.bff.logs.lines.filter((line) => line.event === 'logout.backchannel');
    expect(logged.at(-1)).toMatchObject({ provider: 'dev', sessions: 1 });
    expect(events.at(-1)).toEqual({ type: 'session_ended', by: 'backchannel_logout', provider: 'dev', count: 1 });
  });

  it('a forged logout token is refused with 400 and ends nothing', async () => {
    const browser = new TestBrowser();
    await login(browser, stack, 'dave');
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sid: 'any', events: { 'http://schemas.openid.net/event/backchannel-logout': {} } })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .setIssuer(stack.dev.issuer)
      .setAudience(DEV_CLIENT.clientId)
      .setIssuedAt()
      .setJti('forged-1')
      .sign(privateKey);
    const response = await backchannel(`logout_token=${forged}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    expect(await session(browser)).toMatchObject({ authenticated: true });
  });

  it.each([
    ['no logout_token', ''],
    ['a logout_token that is not a JWT', 'logout_token=not-a-jwt'],
    ['a malformed body', 'logout_token=%E0%A4%A'],
  ])('%s is 400 invalid_request', async (_, body) => {
    const response = await backchannel(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('an unknown provider is 404', async () => {
    const response = await fetch(`${stack.origin}/auth/backchannel-logout/nope`, { method: 'POST', body: new URLSearchParams({ logout_token: 'x' }) });
    expect(response.status).toBe(404);
  });
});
