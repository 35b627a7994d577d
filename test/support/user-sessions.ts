import { expect } from 'vitest';
import { createAuthBff, silentLogger, type AuthBff, type AuthBffConfig } from '../../bff/index.js';
import { TEST_SECRET } from './bff.js';
import { startBffInFrontOf, type HostileStack } from './hostile-stack.js';
import { HOSTILE_SUBJECT, type HostileProvider } from './hostile-provider.js';
import { loginForCookie, sessionWithCookie, withSessionCookie } from './session-cookie.js';

/** The app user id of everyone the hostile provider signs in, as the provider `bad`. */
const USER_ID = `bad:${HOSTILE_SUBJECT}`;

/** Whether the session is live at `origin`, read the way the SPA reads it (sliding the idle timeout, which must not bring an ended session back). */
async function signedInAt(origin: string, cookie: string): Promise<boolean> {
  const sliding = await fetch(`${origin}/auth/session`, { headers: withSessionCookie(cookie) });
  const { authenticated } = (await sliding.json()) as { authenticated: boolean };
  expect((await sessionWithCookie(origin, cookie)).body.authenticated).toBe(authenticated);
  return authenticated;
}

/**
 * Sessions of one user held by BFFs at each of `origins` (separate processes or
 * BFFs, one store), listed and ended from `admin`, another BFF on that store:
 * by handle one session alone, then by user id every other one, in every BFF.
 * An ended session stays ended when read again, sliding or not.
 */
export async function expectSessionsEndedEverywhere(idp: HostileProvider, origins: readonly string[], admin: AuthBff) {
  await admin.sessions.end(USER_ID);
  const held = [];
  for (const origin of [...origins, ...origins]) held.push({ origin, cookie: await loginForCookie({ idp, origin }) });
  for (const { origin, cookie } of held) expect(await signedInAt(origin, cookie)).toBe(true);
  const listed = await admin.sessions.list(USER_ID);
  expect(listed).toHaveLength(held.length);

  expect(await admin.sessions.end({ handle: listed[0]!.handle })).toBe(1);
  const live = [];
  for (const session of held) if (await signedInAt(session.origin, session.cookie)) live.push(session);
  expect(live).toHaveLength(held.length - 1);

  expect(await admin.sessions.end(USER_ID)).toBe(live.length);
  for (const { origin, cookie } of held) expect(await signedInAt(origin, cookie)).toBe(false);
  expect(await admin.sessions.list(USER_ID)).toEqual([]);
}

/** The app's admin side: a BFF on the same store and secrets that serves no one, for its `auth.sessions`. */
export function adminBff(idp: HostileProvider, session: AuthBffConfig['session']): AuthBff {
  return createAuthBff({
    baseUrl: 'http://127.0.0.1:1',
    secrets: [TEST_SECRET],
    logger: silentLogger,
    session,
    providers: [{ id: 'bad', type: 'oidc', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }],
  });
}

/** {@link expectSessionsEndedEverywhere} with the stack's BFF and one more, both on `session`'s store. */
export async function expectSessionsEndedInTwoBffs(stack: HostileStack, session: AuthBffConfig['session']) {
  const other = await startBffInFrontOf(stack.idp, { session });
  const admin = adminBff(stack.idp, session);
  try {
    await expectSessionsEndedEverywhere(stack.idp, [stack.origin, other.origin], admin);
  } finally {
    await admin.close();
    await other.close();
  }
}
