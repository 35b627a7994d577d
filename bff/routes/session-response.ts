import type { SessionResponse } from '../../shared/index.js';
import type { RequestAuth } from './request-auth.js';

/** What a signed-in body of `GET /auth/session` is made of: the parts of `req.auth` the browser may see. */
export type SessionBodyParts = Pick<RequestAuth, 'user' | 'provider' | 'linked' | 'clientData' | 'expiresAt'>;

/**
 * The body of `GET /auth/session` for a session read on the server (`auth.readSession`, `req.auth`),
 * or for none: what a server-rendered page passes to `<AuthProvider initialSession>`.
 */
export function sessionResponse(session: SessionBodyParts | null): SessionResponse {
  if (!session) return { authenticated: false };
  const { user, provider, linked, clientData, expiresAt } = session;
  return { authenticated: true, user, provider, linked, ...(clientData && { clientData }), expiresAt };
}
