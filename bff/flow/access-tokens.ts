import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthBffError } from '../errors.js';
import type { TokenSet } from '../providers/provider.js';
import { sealedTokensOf, type SessionRecord, type TokenHolder } from '../session/store.js';
import { classifyProviderError, reasonOf } from './classify.js';
import type { FlowContext } from './context.js';

/** A token this close to its expiry is refreshed before use, so it does not expire on the way to the API. */
const REFRESH_MARGIN_SECONDS = 60;
/** How often a request waiting on another process's refresh looks for the tokens it stored. */
const WAIT_POLL_MS = 50;
/** What a refresh holding the lock spends beside the provider call: a few store reads and writes, each bounded by the store. */
const STORE_ALLOWANCE_MS = 5000;

/** Opened token sets kept, by their sealed text: a handful per active session is plenty. */
const OPENED_CACHE_SIZE = 1000;

const isFresh = (tokens: TokenSet) => tokens.expires_at === undefined || tokens.expires_at - REFRESH_MARGIN_SECONDS > Date.now() / 1000;

const sessionEnded = (cause?: unknown) =>
  new AuthBffError('unauthenticated', 'The session has ended; sign in again.', cause === undefined ? undefined : { cause });

const notLinked = (provider: string, cause?: unknown) =>
  new AuthBffError('not_linked', `The session holds no tokens of ${provider}; connect it with a link login.`, cause === undefined ? undefined : { cause });

/**
 * The access tokens of a session, one per provider whose token set it holds,
 * for calls to the providers' APIs: refreshed first when about to expire. One
 * refresh per session and provider at a time across every process on the
 * session store (a store lock), so concurrent API calls never spend a rotating
 * refresh token twice: the others wait for the tokens the refresh stores.
 */
export class AccessTokens {
  /** Refreshes in flight in this process, by provider and session key. */
  private readonly refreshing = new Map<string, Promise<TokenSet>>();
  /**
   * Token sets already opened, least recently used first. Keyed by the sealed
   * text, so a refresh (new tokens, newly sealed) is never answered from here.
   */
  private readonly opened = new Map<string, TokenSet>();
  /** The lock outlasts one refresh: the provider call (bounded by `httpTimeoutMs`) and the store's reads and writes. */
  private readonly lockTtlMs: number;

  constructor(
    private readonly context: FlowContext,
    httpTimeoutMs: number,
  ) {
    this.lockTtlMs = httpTimeoutMs + STORE_ALLOWANCE_MS;
  }

  /** The access token of `provider` (default: the login's); rejects with `not_linked` when the session holds none of it. */
  async get(req: IncomingMessage, res: ServerResponse, data: TokenHolder, provider = data.provider): Promise<string> {
    const { sessions } = this.context;
    const sealed = sealedTokensOf(data, provider);
    if (sealed === undefined) throw notLinked(provider);
    const tokens = await this.open(sealed);
    if (isFresh(tokens)) return tokens.access_token;
    const key = sessions.keyOf(req);
    if (key === undefined) throw sessionEnded();
    const flight = `${provider}:${key}`;
    let pending = this.refreshing.get(flight);
    if (!pending) {
      pending = this.refreshOnce(key, provider).finally(() => this.refreshing.delete(flight));
      this.refreshing.set(flight, pending);
    }
    try {
      return (await pending).access_token;
    } catch (error) {
      if (error instanceof AuthBffError && error.code === 'unauthenticated') sessions.clearCookie(res);
      throw error;
    }
  }

  /** Fresh tokens of `provider` for the session under `key`: refreshed here under the lock, or stored meanwhile by whoever held it. */
  private async refreshOnce(key: string, provider: string): Promise<TokenSet> {
    const deadline = Date.now() + this.lockTtlMs;
    for (;;) {
      const lock = await this.context.sessions.lock(key, `refresh:${provider}`, this.lockTtlMs);
      if (lock) {
        // Store retries stop well before the lock lapses, so no other process refreshes meanwhile.
        const storeDeadline = Date.now() + this.lockTtlMs - STORE_ALLOWANCE_MS / 2;
        try {
          return await this.refreshHolding(key, provider, storeDeadline);
        } finally {
          await lock.release().catch(() => {});
        }
      }
      if (Date.now() >= deadline) throw new AuthBffError('provider_unavailable', 'The token refresh did not finish in time.');
      await sleep(WAIT_POLL_MS);
      const { tokens } = await this.current(key, provider);
      if (isFresh(tokens)) return tokens;
    }
  }

  private async refreshHolding(key: string, providerId: string, storeDeadline: number): Promise<TokenSet> {
    // Read again under the lock: another process may have refreshed since this request read the session.
    const { record, tokens } = await this.current(key, providerId);
    if (isFresh(tokens)) return tokens;
    const provider = this.context.providers.get(providerId);
    const fields = { provider: providerId, user: record.user.id };
    let refreshed: TokenSet;
    try {
      if (!provider?.refresh || tokens.refresh_token === undefined) {
        throw new AuthBffError('unauthenticated', 'The access token expired and the provider gave no way to refresh it.');
      }
      refreshed = await provider.refresh(tokens);
    } catch (error) {
      const classified = classifyProviderError(error, 'unauthenticated');
      if (classified.code === 'provider_unavailable' || classified.code === 'session_store_unavailable') throw classified;
      // Refused (whatever code the provider's refusal maps to). A process whose lock had lapsed may have spent the refresh token first: its tokens win.
      const again = await this.current(key, providerId);
      if (again.record.version !== record.version && isFresh(again.tokens)) return again.tokens;
      this.context.logger.warn('tokens.refresh_failed', { ...fields, reason: reasonOf(error) });
      this.context.emit({ type: 'refresh_failed', provider: providerId, userId: record.user.id, code: classified.code });
      if (providerId !== record.provider) {
        // A linked provider no longer honours its tokens: the session drops them (connect it again) and goes on.
        await this.context.sessions.unlink(key, again.record, providerId);
        throw notLinked(providerId, error);
      }
      // The login's provider no longer honours the session, so it can no longer act for the user: it ends.
      await this.context.sessions.end(key);
      throw sessionEnded(error);
    }
    if (await this.storeRefreshed(key, record, providerId, refreshed, storeDeadline)) {
      this.context.logger.info('tokens.refreshed', fields);
      return refreshed;
    }
    // Ended (a logout) or changed since the read: a logout is final, and tokens another process stored win.
    const again = await this.current(key, providerId);
    return isFresh(again.tokens) ? again.tokens : refreshed;
  }

  /**
   * Stores tokens the provider granted: the refresh token it spent is gone, so a
   * store that fails (a Sentinel failover, a write no replica acknowledged) is
   * tried again until `deadline` (well inside the lock's time), not given up at once.
   */
  private async storeRefreshed(key: string, record: SessionRecord, providerId: string, refreshed: TokenSet, deadline: number): Promise<boolean> {
    for (;;) {
      try {
        return await this.context.sessions.replaceTokens(key, record, providerId, refreshed);
      } catch (error) {
        if (!(error instanceof AuthBffError && error.code === 'session_store_unavailable') || Date.now() >= deadline) throw error;
        await sleep(WAIT_POLL_MS);
      }
    }
  }

  /** The session's record and `provider`'s tokens as stored now; `unauthenticated` when it has ended, `not_linked` when it no longer holds them. */
  private async current(key: string, provider: string): Promise<{ record: SessionRecord; tokens: TokenSet }> {
    const record = await this.context.sessions.load(key);
    if (!record) throw sessionEnded();
    const sealed = sealedTokensOf(record, provider);
    if (sealed === undefined) throw notLinked(provider);
    return { record, tokens: await this.open(sealed) };
  }

  /** A token set, opened once per sealed value: unsealing on every API call costs more than the call's own work. */
  private async open(sealed: string): Promise<TokenSet> {
    const cached = this.opened.get(sealed);
    if (cached) {
      this.opened.delete(sealed);
      this.opened.set(sealed, cached);
      return cached;
    }
    const tokens = Object.freeze(await this.context.sessions.openTokens(sealed));
    this.opened.set(sealed, tokens);
    if (this.opened.size > OPENED_CACHE_SIZE) this.opened.delete(this.opened.keys().next().value as string);
    return tokens;
  }
}
