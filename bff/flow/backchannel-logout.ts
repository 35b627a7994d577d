import { AuthBffError } from '../errors.js';
import type { Provider } from '../providers/provider.js';
import { guarded } from '../session/store.js';
import { classifyProviderError, reasonOf } from './classify.js';
import type { FlowContext } from './context.js';

/** How long a logout token's `jti` is remembered against replay; tokens older than 5 minutes are refused anyway. */
const REPLAY_WINDOW_SECONDS = 600;

/**
 * OIDC Back-Channel Logout 1.0: the provider tells the BFF a user's session at
 * the provider ended; every session of that `sid` ends here too. Sessions are
 * found by `sid`, so a token naming only `sub` is refused.
 */
export async function backchannelLogout(context: FlowContext, provider: Provider, logoutToken: unknown): Promise<void> {
  if (!provider.verifyLogoutToken) {
    throw new AuthBffError('invalid_request', 'This provider does not support back-channel logout.');
  }
  if (typeof logoutToken !== 'string' || logoutToken === '') {
    throw new AuthBffError('invalid_request', 'The request carries no logout_token.');
  }
  let claims;
  try {
    claims = await provider.verifyLogoutToken(logoutToken);
  } catch (error) {
    const classified = classifyProviderError(error, 'invalid_request');
    context.logger.warn('logout.backchannel_refused', { provider: provider.id, reason: reasonOf(error, 'logout_token') });
    if (classified.code === 'provider_unavailable') throw classified;
    throw new AuthBffError('invalid_request', 'The logout token is not valid.', { cause: error });
  }
  if (claims.sid === undefined) {
    throw new AuthBffError('invalid_request', 'Logout tokens without "sid" are not supported.');
  }
  if (!(await guarded(context.store.claimOnce(`logout:${provider.id}:${claims.jti}`, REPLAY_WINDOW_SECONDS)))) {
    throw new AuthBffError('invalid_request', 'This logout token was already used.');
  }
  const ended = await context.sessions.destroyBySid(provider.id, claims.sid);
  context.logger.info('logout.backchannel', { provider: provider.id, sessions: ended });
  context.emit({ type: 'session_ended', by: 'backchannel_logout', provider: provider.id, count: ended });
}
