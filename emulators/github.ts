/**
 * An emulator of GitHub's OAuth app flow and the REST calls a login makes, laid out
 * like GitHub Enterprise Server (the API under /api/v3), answering as the documents say:
 * - https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 * - https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
 * - https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-authorization-request-errors
 * - https://docs.github.com/en/rest/users/users#get-the-authenticated-user and .../users/emails
 * The token endpoint answers form-encoded unless asked for JSON, and refuses with
 * HTTP 200. /login/oauth/authorize shows no page: it approves at once, or denies.
 */
import { randomBytes } from 'node:crypto';
import type { Outage } from './emulator-server.js';
import { authorizeRoute, startPlatformEmulator, type Answer, type EmulatorRequest, type PlatformEmulator, type Authorize } from './platform-emulator.js';

export interface GitHubBehavior extends Record<string, string> {
  authorize: Authorize;
  token: 'ok' | 'bad_verification_code' | Outage;
  user: 'ok' | 'bad-credentials' | Outage;
  emails: 'ok' | Outage;
}

export interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility: 'public' | 'private' | null;
}

export interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
  /** The public email; null when the user keeps it private. */
  email: string | null;
  avatar_url: string;
  emails: GitHubEmail[];
}

export type GitHubEmulator = PlatformEmulator<GitHubBehavior, GitHubUser>;

export const GITHUB_PATHS = { authorization: '/login/oauth/authorize', token: '/login/oauth/access_token', userinfo: '/api/v3/user' };

const defaultUser = (): GitHubUser => ({
  id: 583231,
  login: 'octocat',
  name: 'The Octocat',
  email: null,
  avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4',
  emails: [
    { email: 'old@example.test', primary: false, verified: true, visibility: null },
    { email: 'octocat@example.test', primary: true, verified: true, visibility: 'private' },
  ],
});

const DOCS = 'https://docs.github.com/apps/managing-oauth-apps';
const JSON_TYPE = 'application/json; charset=utf-8';

/** The token endpoint answers form-encoded unless asked for JSON. */
function tokenAnswer({ headers }: EmulatorRequest, fields: Record<string, string>): Answer {
  return headers.accept?.includes('application/json')
    ? { type: JSON_TYPE, body: fields }
    : { type: 'application/x-www-form-urlencoded; charset=utf-8', body: new URLSearchParams(fields).toString() };
}

const refusal = (request: EmulatorRequest, error: string, description: string) =>
  tokenAnswer(request, {
    error,
    error_description: description,
    error_uri: `${DOCS}/troubleshooting-oauth-app-access-token-request-errors/#${error.replaceAll('_', '-')}`,
  });

export function startGitHubEmulator(): Promise<GitHubEmulator> {
  return startPlatformEmulator<GitHubBehavior, GitHubUser>({
    name: 'GitHub',
    behavior: { authorize: 'approve', token: 'ok', user: 'ok', emails: 'ok' },
    user: defaultUser,
    clientId: () => `Iv1.${randomBytes(8).toString('hex')}`,
    tokens: { code: '', access: 'gho_', refresh: 'ghr_', encoding: 'hex' },
    // OAuth app tokens do not expire, so the token answer tells no lifetime.
    expiresIn: 0,
    contentType: JSON_TYPE,
    notFound: { status: 404, body: { message: 'Not Found' } },
    routes: (github) => {
      /** The REST API: a User-Agent is required, and the token as `Bearer` or `token`. */
      const api = (request: EmulatorRequest, now: string, answer: (scopes: string[]) => unknown): Answer => {
        if (!request.headers['user-agent']) {
          return { status: 403, type: 'text/plain', body: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header.' };
        }
        const presented = /^(?:Bearer|token) (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
        const scopes = github.grants.scopeOf(presented);
        if (now === 'bad-credentials' || scopes === undefined) {
          return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } };
        }
        const value = answer(scopes.split(','));
        return value === undefined ? { status: 404, body: { message: 'Not Found', status: '404' } } : { body: value };
      };
      return {
        [`GET ${GITHUB_PATHS.authorization}`]: authorizeRoute(github, {
          valid: (query) => query.client_id === github.clientId,
          invalid: { status: 404, type: 'text/html', body: '<html><body>Not Found</body></html>' },
          pkce: true,
          deny: (back) => {
            back.searchParams.set('error', 'access_denied');
            back.searchParams.set('error_description', 'The user has denied your application access.');
            back.searchParams.set('error_uri', `${DOCS}/troubleshooting-authorization-request-errors/#access-denied`);
          },
        }),
        [`POST ${GITHUB_PATHS.token}`]: {
          behavior: 'token',
          handle: (request, now) => {
            const { body } = request;
            if (body.client_id !== github.clientId || body.client_secret !== github.clientSecret) {
              return refusal(request, 'incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.');
            }
            const redeemed = github.grants.redeem(body.code, { redirectUri: body.redirect_uri, codeVerifier: body.code_verifier });
            if (redeemed === 'redirect_uri') {
              return refusal(request, 'redirect_uri_mismatch', 'The redirect_uri MUST match the registered callback URL for this application.');
            }
            if (now === 'bad_verification_code' || typeof redeemed === 'string') {
              return refusal(request, 'bad_verification_code', 'The code passed is incorrect or expired.');
            }
            // The scopes a token carries are listed comma-separated.
            const scope = redeemed.scope.split(' ').filter(Boolean).join(',');
            const { accessToken } = github.grants.tokens(scope);
            return tokenAnswer(request, { access_token: accessToken, token_type: 'bearer', scope });
          },
        },
        [`GET ${GITHUB_PATHS.userinfo}`]: {
          behavior: 'user',
          handle: (request, now) => {
            const { emails: _, ...profile } = github.user;
            return api(request, now, () => ({ ...profile, type: 'User', html_url: `https://github.com/${github.user.login}` }));
          },
        },
        // Listing addresses needs the user:email (or user) scope; GitHub answers 404 without it.
        [`GET ${GITHUB_PATHS.userinfo}/emails`]: {
          behavior: 'emails',
          handle: (request, now) => api(request, now, (scopes) => (scopes.some((scope) => ['user:email', 'user'].includes(scope)) ? github.user.emails : undefined)),
        },
      };
    },
  });
}
