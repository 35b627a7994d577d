import type { Request, Response } from 'express';
import type { LogoutResponse } from '../../shared/index.js';
import { randomAlphanumeric, STATE_LENGTH } from '../crypto/random.js';
import { tokenSetsOf } from '../session/store.js';
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

  for (const held of tokenSetsOf(record)) {
    const provider = context.providers.get(held.provider);
    if (provider?.revoke) {
      const revoke = provider.revoke.bind(provider);
      background.run('logout.revocation_failed', { ...fields, provider: held.provider }, async () => revoke(await context.sessions.openTokens(held.tokens)));
    }
  }
  // RP-initiated logout ends the login's provider session only: a linked platform was connected, not signed in to.
  const provider = context.providers.get(record.provider);
  if (!provider?.endSessionUrl) return { redirectTo: null };
  try {
    const tokens = await context.sessions.openTokens(record.tokens);
    const redirectTo = await provider.endSessionUrl(tokens, {
      postLogoutRedirectUri: context.postLogoutRedirectUri,
      state: randomAlphanumeric(STATE_LENGTH),
    });
    return { redirectTo: redirectTo ?? null };
  } catch (error) {
    context.logger.warn('logout.end_session_unavailable', { ...fields, reason: reasonOf(error) });
    return { redirectTo: null };
  }
}
