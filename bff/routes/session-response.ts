import type { JsonObject, SessionResponse, User } from '../../shared/index.js';

/** What a signed-in body of `GET /auth/session` is made of. */
export interface SessionBodyParts {
  user: Readonly<User>;
  provider: string;
  linked: string[];
  clientData: Readonly<JsonObject> | undefined;
  expiresAt: number;
}

/**
 * The body of `GET /auth/session` for a session read on the server (`auth.readSession`, `req.auth`),
 * or for none: what a server-rendered page passes to `<AuthProvider initialSession>`.
 */
export function sessionResponse(session: SessionBodyParts | null): SessionResponse {
  if (!session) return { authenticated: false };
  const { user, provider, linked, clientData, expiresAt } = session;
  return { authenticated: true, user, provider, linked, ...(clientData && { clientData }), expiresAt };
}
