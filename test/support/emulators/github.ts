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
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { fail, redirect, send, startEmulatorServer, type EmulatorServer, type Outage, type RecordedRequest } from './emulator-server.js';
import { switchable, type Switchable } from '../switchable.js';

export interface GitHubBehavior {
  authorize: 'approve' | 'deny';
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

export interface GitHubEmulator extends EmulatorServer, Switchable<GitHubBehavior> {
  clientId: string;
  clientSecret: string;
  /** Who approves; change its fields to test other users. */
  user: GitHubUser;
  /** Every code and access token issued. */
  issued: string[];
}

export const GITHUB_PATHS = { authorization: '/login/oauth/authorize', token: '/login/oauth/access_token', userinfo: '/api/v3/user' };

const DEFAULT_BEHAVIOR: GitHubBehavior = { authorize: 'approve', token: 'ok', user: 'ok', emails: 'ok' };

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

export async function startGitHubEmulator(): Promise<GitHubEmulator> {
  const clientId = `Iv1.${randomBytes(8).toString('hex')}`;
  const clientSecret = randomBytes(20).toString('hex');
  const behavior = switchable(DEFAULT_BEHAVIOR, () => Object.assign(user, defaultUser()));
  const user = defaultUser();
  const codes = new Map<string, { redirectUri: string; codeChallenge?: string; scope: string; used: boolean }>();
  const accessTokens = new Map<string, string>();
  const issued: string[] = [];

  const mint = (prefix: string) => {
    const value = `${prefix}${randomBytes(18).toString('hex')}`;
    issued.push(value);
    return value;
  };

  function authorize({ query }: RecordedRequest, res: ServerResponse) {
    if (query.client_id !== clientId || !URL.canParse(query.redirect_uri ?? '')) return send(res, 404, 'text/html', '<html><body>Not Found</body></html>');
    const back = new URL(query.redirect_uri ?? '');
    if (behavior.now.authorize === 'deny') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user has denied your application access.');
      back.searchParams.set('error_uri', `${DOCS}/troubleshooting-authorization-request-errors/#access-denied`);
    } else {
      const code = mint('');
      // The scopes a token carries are listed comma-separated.
      const scope = (query.scope ?? '').split(' ').filter(Boolean).join(',');
      codes.set(code, { redirectUri: back.href, scope, used: false, ...(query.code_challenge ? { codeChallenge: query.code_challenge } : {}) });
      back.searchParams.set('code', code);
    }
    if (query.state !== undefined) back.searchParams.set('state', query.state);
    redirect(res, back);
  }

  function token({ body, headers }: RecordedRequest, res: ServerResponse) {
    if (behavior.now.token !== 'ok' && behavior.now.token !== 'bad_verification_code') return fail(res, behavior.now.token);
    const answer = (fields: Record<string, string>) =>
      headers.accept?.includes('application/json')
        ? send(res, 200, 'application/json; charset=utf-8', JSON.stringify(fields))
        : send(res, 200, 'application/x-www-form-urlencoded; charset=utf-8', new URLSearchParams(fields).toString());
    const refuse = (error: string, description: string) =>
      answer({
        error,
        error_description: description,
        error_uri: `${DOCS}/troubleshooting-oauth-app-access-token-request-errors/#${error.replaceAll('_', '-')}`,
      });

    if (body.client_id !== clientId || body.client_secret !== clientSecret) {
      return refuse('incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.');
    }
    const pending = codes.get(body.code ?? '');
    const challenge = createHash('sha256').update(body.code_verifier ?? '').digest('base64url');
    const verified = pending?.codeChallenge === undefined || challenge === pending.codeChallenge;
    if (behavior.now.token === 'bad_verification_code' || !pending || pending.used || !verified) {
      return refuse('bad_verification_code', 'The code passed is incorrect or expired.');
    }
    pending.used = true;
    if (body.redirect_uri !== undefined && body.redirect_uri !== pending.redirectUri) {
      return refuse('redirect_uri_mismatch', 'The redirect_uri MUST match the registered callback URL for this application.');
    }
    const accessToken = mint('gho_');
    accessTokens.set(accessToken, pending.scope);
    answer({ access_token: accessToken, token_type: 'bearer', scope: pending.scope });
  }

  /** The REST API: a User-Agent is required, and the token as `Bearer` or `token`. */
  function api(request: RecordedRequest, res: ServerResponse, outage: 'ok' | 'bad-credentials' | Outage, answer: (scopes: string[]) => unknown) {
    if (outage !== 'ok' && outage !== 'bad-credentials') return fail(res, outage);
    if (!request.headers['user-agent']) {
      return send(res, 403, 'text/plain', 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header.');
    }
    const presented = /^(?:Bearer|token) (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const scopes = accessTokens.get(presented);
    if (outage === 'bad-credentials' || scopes === undefined) {
      const body = { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' };
      return send(res, 401, 'application/json; charset=utf-8', JSON.stringify(body));
    }
    const value = answer(scopes.split(','));
    if (value === undefined) return send(res, 404, 'application/json; charset=utf-8', JSON.stringify({ message: 'Not Found', status: '404' }));
    send(res, 200, 'application/json; charset=utf-8', JSON.stringify(value));
  }

  const server = await startEmulatorServer((request, res) => {
    const route = `${request.method} ${request.path}`;
    if (route === `GET ${GITHUB_PATHS.authorization}`) return authorize(request, res);
    if (route === `POST ${GITHUB_PATHS.token}`) return token(request, res);
    if (route === `GET ${GITHUB_PATHS.userinfo}`) {
      const { emails: _, ...profile } = user;
      return api(request, res, behavior.now.user, () => ({ ...profile, type: 'User', html_url: `https://github.com/${user.login}` }));
    }
    if (route === `GET ${GITHUB_PATHS.userinfo}/emails`) {
      // Listing addresses needs the user:email (or user) scope; GitHub answers 404 without it.
      return api(request, res, behavior.now.emails, (scopes) => (scopes.some((scope) => ['user:email', 'user'].includes(scope)) ? user.emails : undefined));
    }
    send(res, 404, 'application/json; charset=utf-8', JSON.stringify({ message: 'Not Found' }));
  });

  return {
    ...server,
    clientId,
    clientSecret,
    user,
    issued,
    behave: behavior.behave,
    reset: behavior.reset,
  };
}
