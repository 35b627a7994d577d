import type { CookieOptions, Request, Response } from 'express';
import { SealError, type Sealer } from '../crypto/seal.js';
import { AuthBffError } from '../errors.js';
import type { LoginTransaction } from '../providers/provider.js';

/** A login must come back within this long (docs/design.md: 10 minutes); its cookie lives exactly as long. */
export const TRANSACTION_TTL_SECONDS = 600;
/**
 * Logins in flight per browser: enough for a few tabs. Starting one more drops
 * the oldest, so abandoned logins (or logins another site starts with a click)
 * cannot pile cookies up until every request is refused with 431.
 */
export const MAX_TRANSACTIONS_IN_FLIGHT = 3;

/**
 * Login transactions, each in its own encrypted, authenticated cookie named by
 * its `state` (so two tabs can log in at once; the callback finds its cookie by
 * that name). `SameSite=Lax` because it must ride the provider's redirect back;
 * `None` for a form_post provider on https (see `begin`).
 * On https the name has the `__Host-` prefix, so the browser accepts it only
 * host-only with `Path=/` and `Secure`: a sibling subdomain cannot plant one
 * (login CSRF). Small: `returnTo` is bounded and nothing else is large.
 */
export class Transactions {
  private readonly prefix: string;
  private readonly cookieOptions: CookieOptions;

  constructor(
    private readonly sealer: Sealer,
    options: { secure: boolean },
  ) {
    this.prefix = options.secure ? '__Host-bff-auth.tx.' : 'bff-auth.tx.';
    this.cookieOptions = { httpOnly: true, secure: options.secure, sameSite: 'lax', path: '/' };
  }

  /**
   * A form_post callback (Apple) is a cross-site POST, which a `Lax` cookie does not ride: `None` then, on https
   * only (`None` needs `Secure`). It holds this login's state, verifier and nonce only, and opens once.
   */
  async begin(req: Request, res: Response, transaction: LoginTransaction, { formPost = false } = {}) {
    const sealed = await this.sealer.seal({ ...transaction }, TRANSACTION_TTL_SECONDS);
    for (const name of await this.pastNewest(req, MAX_TRANSACTIONS_IN_FLIGHT - 1)) res.clearCookie(name, this.cookieOptions);
    const sameSite = formPost && this.cookieOptions.secure ? 'none' : 'lax';
    res.cookie(this.prefix + transaction.state, sealed, { ...this.cookieOptions, sameSite, maxAge: TRANSACTION_TTL_SECONDS * 1000 });
  }

  /** Opens and deletes the transaction of `state`: single use, whatever the outcome. */
  async take(req: Request, res: Response, provider: string, state: string): Promise<LoginTransaction> {
    const name = this.prefix + state;
    const sealed: unknown = req.cookies?.[name];
    if (typeof sealed !== 'string') {
      throw new AuthBffError('invalid_state', 'No login is in progress for this state in this browser.', { reason: 'tx_cookie_missing' });
    }
    res.clearCookie(name, this.cookieOptions);
    let transaction: LoginTransaction;
    try {
      transaction = await this.sealer.open<LoginTransaction & { [claim: string]: unknown }>(sealed);
    } catch (error) {
      if (error instanceof SealError && error.code === 'expired') {
        throw new AuthBffError('login_expired', 'The login took longer than 10 minutes; please start again.', { reason: 'tx_expired' });
      }
      throw new AuthBffError('invalid_state', 'The login transaction cookie is not valid.', { reason: 'tx_cookie_invalid' });
    }
    if (transaction.state !== state) {
      throw new AuthBffError('invalid_state', 'The login transaction belongs to another login.', { reason: 'state_mismatch' });
    }
    if (transaction.provider !== provider) {
      throw new AuthBffError('invalid_state', 'The login transaction belongs to another provider.', { reason: 'tx_other_provider' });
    }
    return transaction;
  }

  /**
   * The names of this browser's transaction cookies beyond the newest `keep`.
   * Unreadable ones count as the oldest; within one second of `iat`, the later
   * in the header is the newer (RFC 6265 §5.4: equal paths list by creation time).
   */
  private async pastNewest(req: Request, keep: number): Promise<string[]> {
    const cookies = Object.entries((req.cookies ?? {}) as Record<string, unknown>).filter(
      (entry): entry is [string, string] => entry[0].startsWith(this.prefix) && typeof entry[1] === 'string',
    );
    if (cookies.length <= keep) return [];
    const ranked = await Promise.all(
      cookies.map(async ([name, sealed], index) => {
        const issuedAt = await this.sealer.open(sealed).then(
          (payload) => payload.iat ?? 0,
          () => -1,
        );
        return { name, issuedAt, index };
      }),
    );
    return ranked
      .sort((a, b) => b.issuedAt - a.issuedAt || b.index - a.index)
      .slice(keep)
      .map(({ name }) => name);
  }
}
