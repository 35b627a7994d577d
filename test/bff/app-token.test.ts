/**
 * The app-level token cache (spec `appToken`, WeCom's gettoken) on a clock the test moves: kept
 * until a minute before the expiry its answer gave (5 minutes when it gave none usable), then
 * fetched anew, once, however many callers wait.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthBffError } from '../../bff/errors.js';
import { AppTokenCache, type FetchedAppToken } from '../../bff/providers/engine/app-token.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A cache over a fetch that answers `answers` in turn, counting its calls. */
function cacheOver(...answers: FetchedAppToken[]) {
  let calls = 0;
  const cache = new AppTokenCache(async () => answers[Math.min(calls++, answers.length - 1)]!);
  return { cache, calls: () => calls };
}

describe('the app token cache', () => {
  it('keeps a token until a minute before the expiry its answer gave, then fetches once for every caller', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { cache, calls } = cacheOver({ token: 'first', expiresIn: 7200 }, { token: 'second', expiresIn: 7200 });
    expect(await cache.get()).toBe('first');
    vi.setSystemTime(Date.now() + (7200 - 61) * 1000);
    expect(await cache.get()).toBe('first');
    vi.setSystemTime(Date.now() + 2000);
    expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual(['second', 'second', 'second']);
    expect(calls()).toBe(2);
  });

  it.each([
    ['no expires_in', {}],
    ['an expires_in that is not a positive number', { expiresIn: Number.NaN }],
    ['a negative expires_in', { expiresIn: -5 }],
  ])('keeps a token whose answer gave %s for 5 minutes, less the margin', async (_, lifetime) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { cache, calls } = cacheOver({ token: 'first', ...lifetime }, { token: 'second', ...lifetime });
    await cache.get();
    vi.setSystemTime(Date.now() + 239_000);
    expect(await cache.get()).toBe('first');
    vi.setSystemTime(Date.now() + 2000);
    expect(await cache.get()).toBe('second');
    expect(calls()).toBe(2);
  });

  it('refuses an answer without a token (token_exchange_failed), keeps nothing, and fetches again at the next call', async () => {
    const { cache, calls } = cacheOver({ token: '', expiresIn: 7200 }, { token: 'good', expiresIn: 7200 });
    const failure = await cache.get().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthBffError);
    expect(failure).toMatchObject({ code: 'token_exchange_failed' });
    expect(await cache.get()).toBe('good');
    expect(calls()).toBe(2);
  });

  it('drops a token the platform refused, but not a newer one that replaced it', async () => {
    const { cache, calls } = cacheOver({ token: 'first', expiresIn: 7200 }, { token: 'second', expiresIn: 7200 });
    await cache.get();
    cache.drop('first');
    expect(await cache.get()).toBe('second');
    cache.drop('first');
    expect(await cache.get()).toBe('second');
    expect(calls()).toBe(2);
  });
});
