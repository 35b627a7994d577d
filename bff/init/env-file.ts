import { randomBytes } from 'node:crypto';

/** A new session secret: 32 random bytes (the config's secrets are HMAC and AES keys). */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** The names an env file sets (`NAME=...`, `export NAME=...`), comments left out. */
function keysOf(text: string): Set<string> {
  return new Set([...text.matchAll(/^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=/gm)].map((match) => match[1]!));
}

/** A new .env.example (or .env, with `secret`): every variable server.ts reads, the optional ones commented. */
export function envFile(names: string[], secret?: string): string {
  return [
    '# What server.ts reads. `npm run server` loads .env; in production, set these in the environment.',
    `SESSION_SECRET=${secret ?? ''}`,
    ...names.map((name) => `${name}=`),
    '# The address in the browser (in production, the public https origin):',
    '# BASE_URL=http://localhost:5173',
    '# Where server.ts listens (Vite forwards /auth and /api to it; it reads PORT from its own environment):',
    '# PORT=3000',
    '',
  ].join('\n');
}

/**
 * `existing` with a line for each variable it lacks, or null when it lacks none. Lines already
 * there are never changed: an existing SESSION_SECRET stays; a missing one gets `secret`.
 */
export function addMissing(existing: string, names: string[], secret?: string): { text: string; added: string[] } | null {
  const present = keysOf(existing);
  const added = ['SESSION_SECRET', ...names].filter((name) => !present.has(name));
  if (added.length === 0) return null;
  const lines = added.map((name) => `${name}=${name === 'SESSION_SECRET' ? (secret ?? '') : ''}`);
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  return { text: `${existing}${separator}${lines.join('\n')}\n`, added };
}
