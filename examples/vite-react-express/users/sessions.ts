import type { Express } from 'express';
import type { AuthBff } from 'bff-auth/bff';

// A banned user, a password change: ends every session of theirs, in every process; answers how many.
export const signOutEverywhere = (auth: AuthBff, userId: string): Promise<number> => auth.sessions.end(userId);

// "Sign out my other devices"
export function signOutOthers(app: Express, auth: AuthBff): void {
  app.post('/api/sign-out-others', auth.requireSession(), async (req, res) => {
    const { user, handle } = req.auth!;
    // [{ handle, provider, linked, createdAt, lastSeenAt }]; req.auth.handle names this request's session.
    const others = (await auth.sessions.list(user.id)).filter((session) => session.handle !== handle);
    for (const other of others) await auth.sessions.end({ handle: other.handle });
    res.json({ ended: others.length });
  });
}
