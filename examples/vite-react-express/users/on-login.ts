import type { OnLogin } from 'bff-auth/bff';
import { db } from './db.js';

export const onLogin: OnLogin = async ({ provider, user }) => { // also: profile (the raw one), accessToken
  // Refuse: the browser comes back with ?auth_error=access_denied and no session.
  if (!user.email?.endsWith('@example.com')) return false;

  // Your users table: find or create the row, and carry its id.
  const row = (await db.users.findByIdentity(provider, user.providerUserId)) ??
    (await db.users.create({ provider, providerUserId: user.providerUserId, name: user.name }));
  return {
    userId: row.id, // replaces user.id (default "<provider>:<providerUserId>") everywhere
    sessionData: { roles: row.roles }, // server only: req.auth.sessionData
    clientData: { plan: row.plan }, // the browser: useAuth().clientData
  };
};
