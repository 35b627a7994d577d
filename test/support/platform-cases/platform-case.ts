import type { AuthBffConfig, ProviderType } from '../../../bff/index.js';
import type { User } from '../../../shared/index.js';
import { TestBrowser } from '../browser.js';
import type { PlatformEmulator } from '../../../emulators/platform-emulator.js';
export { entryAt } from '../../../emulators/config-entry.js';
import { expect } from 'vitest';
import { loginThrough, sessionIn, type ProviderStack } from '../provider-stack.js';

export type AnyEmulator = PlatformEmulator<Record<string, string>, object>;

/** What a quirk test gets: the platform's emulator behind the BFF, and the failed-login check. */
export interface QuirkContext<Emulator> {
  stack: ProviderStack<AnyEmulator>;
  emulator: Emulator;
  /** Logs in at `provider` (default: the case's id) and expects `?auth_error=code` and no session. */
  failsWith: (code: string, provider?: string) => Promise<void>;
}

/** One platform in the data-driven suite (test/bff/platforms.test.ts). */
export interface PlatformCase<Emulator extends AnyEmulator = AnyEmulator> {
  /** The provider id, and its type unless `type` says otherwise. */
  id: string;
  type?: string;
  /** The button label it lists itself with. */
  name: string;
  /** Whether it lists itself as `embeddable` (its login page can sit in the app's iframe). */
  embeddable?: true;
  /** A platform of the app's own (`definePlatform`), which the BFF is given in `platforms`; absent for a built-in one. */
  platform?: ProviderType;
  start: () => Promise<Emulator>;
  /** Its config entries, pointed at the emulator: `id` first, then any variants its quirks use. */
  entries: (emulator: Emulator) => AuthBffConfig<readonly ProviderType[]>['providers'];
  /** The User a login gives, without `id` and `provider`. */
  user: (emulator: Emulator) => Omit<User, 'id' | 'provider'>;
  /**
   * The behavior that refuses the token step, and the one that refuses the id or profile step (its switch is also the one the suite
   * fails outright); no `profile` where the platform has no such step (Apple: the ID token is all).
   */
  refusals: { token: Partial<Emulator extends PlatformEmulator<infer B, object> ? B : never>; profile?: Record<string, string> };
  /** Refresh: whether refresh tokens rotate, the behavior that refuses one and (where the answer names the user) one that names another; false: no refresh; absent: tokens do not expire. */
  refresh?: { rotates: boolean; refusal: string; otherUser?: string } | false;
  quirks?: Record<string, (context: QuirkContext<Emulator>) => Promise<void>>;
}

/** Types a case against its emulator, then lets the suite hold it with the others. */
export function platformCase<Emulator extends AnyEmulator>(definition: PlatformCase<Emulator>): PlatformCase {
  return definition as unknown as PlatformCase;
}

/**
 * Where the BFF sends the browser when the platform comes back to `provider` with `params`
 * (an error the documents do not list, say) and the login's own state, and whether a session began.
 * A `form_post` platform comes back with a POST of the same parameters.
 */
export async function callbackWith(stack: Pick<ProviderStack<AnyEmulator>, 'origin'>, provider: string, params: Record<string, string>, { formPost = false } = {}) {
  const browser = new TestBrowser();
  const start = await browser.get(`${stack.origin}/auth/login/${provider}?returnTo=%2Fhome`);
  const authorization = new URL(start.headers.get('location') ?? '');
  const callback = new URL(authorization.searchParams.get('redirect_uri') ?? '');
  callback.searchParams.set('state', authorization.searchParams.get('state') ?? '');
  for (const [name, value] of Object.entries(params)) callback.searchParams.set(name, value);
  const answer = formPost
    ? await browser.post(`${callback.origin}${callback.pathname}`, { body: callback.searchParams })
    : await browser.get(callback);
  return { status: answer.status, location: answer.headers.get('location'), session: await sessionIn(stack, browser) };
}

/** Callback errors of every kind: RFC 6749's (a busy server's among them), OIDC's, and a platform's own. */
const CALLBACK_ERRORS = ['access_denied', 'server_error', 'temporarily_unavailable', 'invalid_scope', 'invalid_request', 'login_required', 'user_cancelled'];

/**
 * For the global platforms (issue #16): every `error` on a callback with the login's own state,
 * whatever its value, sends the browser back with access_denied and no session, never a 5xx.
 * `params` are what the platform sends beside it (Facebook's `error_reason`).
 */
export async function everyErrorIsDenial(stack: Pick<ProviderStack<AnyEmulator>, 'origin'>, provider: string, params: Record<string, string> = {}) {
  for (const error of CALLBACK_ERRORS) {
    const { status, location, session } = await callbackWith(stack, provider, { ...params, error });
    expect({ error, status, location, session }).toEqual({ error, status: 302, location: '/home?auth_error=access_denied', session: { authenticated: false } });
  }
}

/** A login at `provider` gives a session as `providerUserId` when `agrees`, else fails as `profile_failed` with no session. */
export async function signsInOnlyAs(stack: ProviderStack<AnyEmulator>, provider: string, providerUserId: string, agrees: boolean) {
  const { location, browser } = await loginThrough(stack, provider);
  expect(location).toBe(agrees ? '/home' : '/home?auth_error=profile_failed');
  expect(await sessionIn(stack, browser)).toMatchObject(agrees ? { authenticated: true, user: { providerUserId } } : { authenticated: false });
}
