import { z } from 'zod';
import { endpointOverrides, providerBase } from '../config/fields.js';
import { AuthBffError } from '../errors.js';
import { withOverrides } from './endpoints.js';
import { isJsonObject, readJsonBody } from './json-body.js';
import { OAuth2Provider } from './oauth2.js';
import type { Identity, ProviderContext, ProviderType, TokenResult } from './provider.js';

/*
 * GitHub OAuth apps, and GitHub Enterprise Server with all three endpoints overridden
 * (its API sits under https://HOSTNAME/api/v3). Documents:
 * - AUTHORIZING: https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 * - TOKEN_ERRORS: https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
 * - EMAILS: https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user
 * - SCOPES: https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps
 *
 * The token endpoint answers form-encoded unless asked for JSON (AUTHORIZING, step 2);
 * oauth4webapi always sends `Accept: application/json`. A refused code is HTTP 200
 * with `{"error": "bad_verification_code"}` (TOKEN_ERRORS); oauth4webapi rejects the
 * answer for its missing access_token, which the login flow reports as
 * token_exchange_failed. PKCE S256 is supported since 2025
 * (https://github.blog/changelog/2025-07-14-pkce-support-for-oauth-and-github-app-authentication).
 */

const DEFAULT_ENDPOINTS = {
  authorization: 'https://github.com/login/oauth/authorize',
  token: 'https://github.com/login/oauth/access_token',
  userinfo: 'https://api.github.com/user',
};

/**
 * Every REST API request must carry a User-Agent, else GitHub answers 403
 * (https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api#user-agent).
 */
const API_HEADERS = { 'user-agent': 'bff-auth' };

/** SCOPES: `user` includes `user:email`; either lets the BFF list the user's addresses. */
const EMAIL_SCOPES = ['user:email', 'user'];

const configSchema = providerBase
  .extend({
    type: z.literal('github'),
    scope: z.string().default('read:user user:email'),
    /** The emails endpoint is not configured: it is the userinfo endpoint plus `/emails`, on github.com and on Enterprise Server. */
    endpoints: endpointOverrides.pick({ authorization: true, token: true, userinfo: true }).optional(),
  })
  .strict();

type GitHubConfig = z.infer<typeof configSchema>;
export type GitHubProviderConfig = z.input<typeof configSchema>;

/** GitHub is OAuth 2.0 with a numeric user id, a `login`, and an email that may only be found through `/user/emails`. */
class GitHubProvider extends OAuth2Provider {
  private readonly emailsEndpoint: URL;

  constructor(config: GitHubConfig, context: ProviderContext) {
    const endpoints = withOverrides(DEFAULT_ENDPOINTS, config.endpoints);
    // AUTHORIZING, step 2: the client secret goes in the form body.
    super({ ...config, name: config.name ?? 'GitHub', endpoints, tokenEndpointAuthMethod: 'client_secret_post', userFields: { id: 'id' } }, context);
    this.emailsEndpoint = new URL(endpoints.userinfo);
    this.emailsEndpoint.pathname = this.emailsEndpoint.pathname.replace(/\/*$/, '/emails');
  }

  protected override get requestOptions() {
    return { ...super.requestOptions, headers: API_HEADERS };
  }

  /** A user who keeps their address private has `email: null` in the profile; the primary verified one is then listed by EMAILS. */
  override async fetchProfile(result: TokenResult, identity: Identity) {
    const profile = await super.fetchProfile(result, identity);
    if ((typeof profile.email === 'string' && profile.email !== '') || !this.mayListEmails(result.tokens.scope)) return profile;
    const email = await this.primaryVerifiedEmail(result.tokens.access_token);
    return email === undefined ? profile : { ...profile, email, email_verified: true };
  }

  /** The token answer's `scope` lists what the user granted, comma-separated (AUTHORIZING); without it, what was asked for. */
  private mayListEmails(granted = this.settings.scope) {
    return granted.split(/[\s,]+/).some((scope) => EMAIL_SCOPES.includes(scope));
  }

  private async primaryVerifiedEmail(accessToken: string): Promise<string | undefined> {
    const response = await this.fetch(this.emailsEndpoint, {
      headers: { ...API_HEADERS, accept: 'application/vnd.github+json', authorization: `Bearer ${accessToken}` },
    });
    const emails = await readJsonBody(response);
    if (!response.ok || !Array.isArray(emails)) {
      throw new AuthBffError('profile_failed', `GitHub's emails endpoint answered HTTP ${response.status} without a list.`);
    }
    const primary = emails.find((entry) => isJsonObject(entry) && entry.primary === true && entry.verified === true);
    return isJsonObject(primary) && typeof primary.email === 'string' ? primary.email : undefined;
  }
}

export const githubProviderType: ProviderType<typeof configSchema> = {
  type: 'github',
  configSchema,
  create: (config, context) => new GitHubProvider(config, context),
};
