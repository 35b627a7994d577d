/** The app's own database, in memory here: the users table (by platform identity) and an audit log. */
export interface UserRow {
  id: string;
  name: string;
  roles: string[];
  plan: string;
}

const users = new Map<string, UserRow>(); // "<provider>:<providerUserId>" -> row
const auditLog: object[] = [];

export const db = {
  users: {
    findByIdentity: async (provider: string, providerUserId: string) => users.get(`${provider}:${providerUserId}`),
    create: async (identity: { provider: string; providerUserId: string; name: string | undefined }) => {
      const row: UserRow = { id: `user-${users.size + 1}`, name: identity.name ?? '', roles: [], plan: 'free' };
      users.set(`${identity.provider}:${identity.providerUserId}`, row);
      return row;
    },
  },
  audit: {
    insert: async (entry: object) => {
      auditLog.push(entry);
    },
  },
};
