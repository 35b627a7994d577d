import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import { AuthBffError } from '../errors.js';
import type { TokenSet } from '../providers/provider.js';
import type { SessionRecord } from '../session/store.js';
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

/**
 * The access token of a session, for calls to the provider's APIs: refreshed
 * first when it is about to expire. One refresh per session at a time across
 * every process on the session store (a store lock), so concurrent API calls
 * never spend a rotating refresh token twice: the others wait for the tokens
 * the refresh stores.
 */
export class AccessTokens {
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

  async get(req: Request, res: Response, record: SessionRecord): Promise<string> {
    const { sessions } = this.context;
    const tokens = await this.open(record);
    if (isFresh(tokens)) return tokens.access_token;
    const key = sessions.keyOf(req);
    if (key === undefined) throw sessionEnded();
    let pending = this.refreshing.get(key);
    if (!pending) {
      pending = this.refreshOnce(key).finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, pending);
    }
    try {
      return (await pending).access_token;
    } catch (error) {
      if (error instanceof AuthBffError && error.code === 'unauthenticated') sessions.clearCookie(res);
      throw error;
    }
  }

  /** Fresh tokens for the session under `key`: refreshed here under the lock, or stored meanwhile by whoever held it. */
  private async refreshOnce(key: string): Promise<TokenSet> {
    const deadline = Date.now() + this.lockTtlMs;
    for (;;) {
      const lock = await this.context.sessions.lock(key, 'refresh', this.lockTtlMs);
      if (lock) {
        try {
          return await this.refreshHolding(key);
        } finally {
          await lock.release().catch(() => {});
        }
      }
      if (Date.now() >= deadline) throw new AuthBffError('provider_unavailable', 'The token refresh did not finish in time.');
      await sleep(WAIT_POLL_MS);
      const { tokens } = await this.current(key);
      if (isFresh(tokens)) return tokens;
    }
  }

  private async refreshHolding(key: string): Promise<TokenSet> {
    // Read again under the lock: another process may have refreshed since this request read the session.
    const { record, tokens } = await this.current(key);
    if (isFresh(tokens)) return tokens;
    const provider = this.context.providers.get(record.provider);
    const fields = { provider: record.provider, user: record.user.id };
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
      const again = await this.current(key);
      if (again.record.version !== record.version && isFresh(again.tokens)) return again.tokens;
      // The provider no longer honours the session, so it can no longer act for the user: it ends.
      this.context.logger.warn('tokens.refresh_failed', { ...fields, reason: reasonOf(error) });
      this.context.emit({ type: 'refresh_failed', provider: record.provider, userId: record.user.id, code: classified.code });
      await this.context.sessions.end(key);
      throw sessionEnded(error);
    }
    if (await this.context.sessions.replaceTokens(key, record, refreshed)) {
      this.context.logger.info('tokens.refreshed', fields);
      return refreshed;
    }
    // Ended (a logout) or changed since the read: a logout is final, and tokens another process stored win.
    const again = await this.current(key);
    return isFresh(again.tokens) ? again.tokens : refreshed;
  }

  /** The session's record and tokens as stored now; `unauthenticated` when it has ended. */
  private async current(key: string): Promise<{ record: SessionRecord; tokens: TokenSet }> {
    const record = await this.context.sessions.load(key);
    if (!record) throw sessionEnded();
    return { record, tokens: await this.open(record) };
  }

  /** The session's tokens, opened once per sealed value: unsealing on every API call costs more than the call's own work. */
  private async open(record: SessionRecord): Promise<TokenSet> {
    const cached = this.opened.get(record.tokens);
    if (cached) {
      this.opened.delete(record.tokens);
      this.opened.set(record.tokens, cached);
      return cached;
    }
    const tokens = Object.freeze(await this.context.sessions.openTokens(record));
    this.opened.set(record.tokens, tokens);
    if (this.opened.size > OPENED_CACHE_SIZE) this.opened.delete(this.opened.keys().next().value as string);
    return tokens;
  }
}
