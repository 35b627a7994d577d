import type { AuthErrorCode } from '../../shared/index.js';
import type { Logger } from '../log.js';

/**
 * What the BFF tells the app's `onEvent` (an audit log, metrics). Ids, codes
 * and reasons only: never a token, an authorization code or a cookie.
 */
export type AuthEvent =
  | { type: 'login'; provider: string; userId: string; linked: string[] }
  | { type: 'login_failed'; provider: string; code: AuthErrorCode; reason: string }
  | { type: 'logout'; provider: string; userId: string }
  | { type: 'session_ended'; by: 'sessions.end'; userId?: string; handle?: string; count: number }
  | { type: 'session_ended'; by: 'backchannel_logout'; provider: string; count: number }
  | { type: 'refresh_failed'; provider: string; userId: string; code: AuthErrorCode };

export type OnEvent = (event: AuthEvent) => void | Promise<void>;

/** Tells the app, never waiting for it: a handler's exception (or rejection) is logged and swallowed. */
export type EmitEvent = (event: AuthEvent) => void;

export function eventEmitter(onEvent: OnEvent | undefined, logger: Logger): EmitEvent {
  if (onEvent === undefined) return () => {};
  const failed = (event: AuthEvent) => (error: unknown) =>
    logger.error('event.handler_failed', { event_type: event.type, reason: error instanceof Error ? `unexpected_${error.name}` : 'unexpected' });
  return (event) => {
    try {
      const result = onEvent(event);
      if (result instanceof Promise) result.catch(failed(event));
    } catch (error) {
      failed(event)(error);
    }
  };
}
