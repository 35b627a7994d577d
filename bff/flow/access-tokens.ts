import type { Request, Response } from 'express';
import { AuthBffError } from '../errors.js';
import type { TokenSet } from '../providers/provider.js';
import type { SessionRecord } from '../session/store.js';
import { classifyProviderError, reasonOf } from './classify.js';
import type { FlowContext } from './context.js';

/** A token this close to its expiry is refreshed before use, so it does not expire on the way to the API. */
const REFRESH_MARGIN_SECONDS = 60;

/**
 * The access token of a session, for calls to the provider's APIs: refreshed
 * first when it is about to expire. One refresh per session at a time in this
 * process, so concurrent API calls do not spend a rotating refresh token twice.
 */
export class AccessTokens {
  private readonly refreshing = new Map<string, Promise<TokenSet>>();

  constructor(private readonly context: FlowContext) {}

  async get(req: Request, res: Response, record: SessionRecord): Promise<string> {
    const tokens = await this.context.sessions.openTokens(record);
    const fresh = tokens.expires_at === undefined || tokens.expires_at - REFRESH_MARGIN_SECONDS > Date.now() / 1000;
    if (fresh) return tokens.access_token;
    const sealed = record.tokens;
    let pending = this.refreshing.get(sealed);
    if (!pending) {
      pending = this.refresh(req, res, record, tokens).finally(() => this.refreshing.delete(sealed));
      this.refreshing.set(sealed, pending);
    }
    return (await pending).access_token;
  }

  private async refresh(req: Request, res: Response, record: SessionRecord, tokens: TokenSet): Promise<TokenSet> {
    const provider = this.context.providers.get(record.provider);
    const fields = { provider: record.provider, user: record.user.id };
    try {
      if (!provider?.refresh || tokens.refresh_token === undefined) {
        throw new AuthBffError('unauthenticated', 'The access token expired and the provider gave no way to refresh it.');
      }
      const refreshed = await provider.refresh(tokens);
      await this.context.sessions.saveTokens(req, record, refreshed);
      this.context.logger.info('tokens.refreshed', fields);
      return refreshed;
    } catch (error) {
      const classified = classifyProviderError(error, 'unauthenticated');
      if (classified.code === 'provider_unavailable' || classified.code === 'session_store_unavailable') throw classified;
      // The provider refused the refresh token: the session can no longer act for the user, so it ends.
      this.context.logger.warn('tokens.refresh_failed', { ...fields, reason: reasonOf(error) });
      await this.context.sessions.destroy(req, res);
      throw new AuthBffError('unauthenticated', 'The session expired at the provider; sign in again.', { cause: error });
    }
  }
}
