/**
 * What the README's platform tables say of a provider type beyond what its config schema
 * shows: data beside the platform, so the tables are generated (`npm run docs:platforms`)
 * and cannot drift from the code. Markdown, one table cell each.
 */
export interface PlatformGuide {
  /** The platform's name in the tables. */
  title: string;
  /** Which answer fields become `providerUserId` / `unionId`. */
  ids: string;
  refresh: string;
  revocation: string;
  /** Where the app is registered. */
  console: string;
  /** What that console takes for the redirect: the full redirect URI, or only a domain. */
  redirect: string;
  /** How to sign in with it while developing on a laptop (README: "A public https origin for development"). */
  localDevelopment: string;
}

/** The development address of the README's Vite setup, as a console would take it. */
export const LOCAL_CALLBACK = '`http://localhost:5173/auth/callback/<id>`';

/** Local development notes several platforms share. */
export const LOCAL_DEVELOPMENT = {
  /** The platform documents plain http on localhost as a redirect URI. */
  localhost: `register ${LOCAL_CALLBACK} beside the production URI`,
  /** Its documents say nothing either way. */
  undocumented: `${LOCAL_CALLBACK} if the console takes it (not documented either way), else a public https origin`,
  /** The console takes only a registered public domain. */
  domainOnly: 'a public https origin on the registered domain (localhost cannot be registered)',
} as const;

export const FULL_REDIRECT_URI = 'the full redirect URI';
