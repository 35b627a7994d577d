import { AuthBffError } from '../../errors.js';

/** A token this close to its expiry is fetched anew, so it does not expire on the way to the platform. */
const EXPIRY_MARGIN_SECONDS = 60;

/** An app token answer without a usable `expires_in` is kept this long (WeCom's gettoken documents 7200 s). */
const UNKNOWN_LIFETIME_SECONDS = 300;

/** A fetched app-level token and its lifetime in seconds, when the answer gave one. */
export interface FetchedAppToken {
  token: string;
  expiresIn?: number;
}

/**
 * An app-level token (spec `appToken`) kept in this process: fetched when first needed and
 * again when it is about to expire, by one fetch at a time however many logins wait for it
 * (WeCom's gettoken is rate limited: "不能频繁调用gettoken接口，否则会受到频率拦截").
 */
export class AppTokenCache {
  private kept?: { token: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(private readonly fetchToken: () => Promise<FetchedAppToken>) {}

  get(): Promise<string> {
    if (this.kept && this.kept.expiresAt > Date.now()) return Promise.resolve(this.kept.token);
    this.pending ??= this.fetchToken()
      .then(({ token, expiresIn }) => {
        if (token === '') throw new AuthBffError('token_exchange_failed', 'The app token answer has no token.');
        const lifetime = expiresIn !== undefined && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : UNKNOWN_LIFETIME_SECONDS;
        this.kept = { token, expiresAt: Date.now() + Math.max(lifetime - EXPIRY_MARGIN_SECONDS, 1) * 1000 };
        return token;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  /** Forgets `token` after the platform said it is no longer valid, unless a newer one replaced it meanwhile. */
  drop(token: string): void {
    if (this.kept?.token === token) this.kept = undefined;
  }
}
