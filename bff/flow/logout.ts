import type { Request, Response } from 'express';
import type { LogoutResponse } from '../../shared/index.js';
import { randomAlphanumeric, STATE_LENGTH } from '../crypto/random.js';
import type { TokenSet } from '../providers/provider.js';
import type { BackgroundTasks } from './background.js';
import { reasonOf } from './classify.js';
import type { FlowContext } from './context.js';

/**
 * Ends the session here at once, revokes its tokens at the provider in the
 * background, and answers the provider's end-session URL where it has one.
 */
export async function logout(context: FlowContext, background: BackgroundTasks, req: Request, res: Response): Promise<LogoutResponse> {
  const record = await context.sessions.destroy(req, res);
  if (!record) return { redirectTo: null };
  const fields = { provider: record.provider, user: record.user.id };
  context.logger.info('logout', fields);
  context.emit({ type: 'logout', provider: record.provider, userId: record.user.id });

  const provider = context.providers.get(record.provider);
  let tokens: TokenSet;
  try {
    tokens = await context.sessions.openTokens(record);
  } catch (error) {
    context.logger.warn('logout.tokens_unreadable', { ...fields, reason: reasonOf(error) });
    return { redirectTo: null };
  }
  const revoke = provider?.revoke?.bind(provider);
  if (revoke) background.run('logout.revocation_failed', fields, () => revoke(tokens));
  const endSessionUrl = provider?.endSessionUrl?.bind(provider);
  if (!endSessionUrl) return { redirectTo: null };
  try {
    const redirectTo = await endSessionUrl(tokens, {
      postLogoutRedirectUri: context.postLogoutRedirectUri,
      state: randomAlphanumeric(STATE_LENGTH),
    });
    return { redirectTo: redirectTo ?? null };
  } catch (error) {
    context.logger.warn('logout.end_session_unavailable', { ...fields, reason: reasonOf(error) });
    return { redirectTo: null };
  }
}
