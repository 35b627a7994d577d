import type { CookieOptions, Request, Response } from 'express';
import { ROUTES } from '../../shared/index.js';
import { SealError, type Sealer } from '../crypto/seal.js';
import { AuthBffError } from '../errors.js';
import type { LoginTransaction } from '../providers/provider.js';

/** A login must come back within this long (docs/design.md: 10 minutes). */
export const TRANSACTION_TTL_SECONDS = 600;
/**
 * The cookie outlives the sealed payload, so a late return still finds it and
 * reads as `login_expired` rather than as a forged `invalid_state`.
 */
const COOKIE_MAX_AGE_MS = 2 * TRANSACTION_TTL_SECONDS * 1000;

/**
 * Login transactions, each in its own encrypted, authenticated cookie named by
 * its `state` (so two tabs can log in at once), scoped to the provider's
 * callback path, `SameSite=Lax` because it must ride the provider's redirect back.
 */
export class Transactions {
  private readonly prefix: string;

  constructor(
    private readonly sealer: Sealer,
    private readonly options: { secure: boolean; basePath: string },
  ) {
    this.prefix = options.secure ? '__Secure-bff-auth.tx.' : 'bff-auth.tx.';
  }

  private cookieOptions(provider: string): CookieOptions {
    return {
      httpOnly: true,
      secure: this.options.secure,
      sameSite: 'lax',
      path: `${this.options.basePath}${ROUTES.callback}${encodeURIComponent(provider)}`,
    };
  }

  async begin(res: Response, transaction: LoginTransaction) {
    const sealed = await this.sealer.seal({ ...transaction }, TRANSACTION_TTL_SECONDS);
    res.cookie(this.prefix + transaction.state, sealed, { ...this.cookieOptions(transaction.provider), maxAge: COOKIE_MAX_AGE_MS });
  }

  /** Opens and deletes the transaction of `state`: single use, whatever the outcome. */
  async take(req: Request, res: Response, provider: string, state: string): Promise<LoginTransaction> {
    const name = this.prefix + state;
    const sealed: unknown = req.cookies?.[name];
    if (typeof sealed !== 'string') {
      throw new AuthBffError('invalid_state', 'No login is in progress for this state in this browser.');
    }
    res.clearCookie(name, this.cookieOptions(provider));
    let transaction: LoginTransaction;
    try {
      transaction = await this.sealer.open<LoginTransaction & { [claim: string]: unknown }>(sealed);
    } catch (error) {
      if (error instanceof SealError && error.code === 'expired') {
        throw new AuthBffError('login_expired', 'The login took longer than 10 minutes; please start again.');
      }
      throw new AuthBffError('invalid_state', 'The login transaction cookie is not valid.');
    }
    if (transaction.state !== state || transaction.provider !== provider) {
      throw new AuthBffError('invalid_state', 'The login transaction belongs to another login.');
    }
    return transaction;
  }
}
