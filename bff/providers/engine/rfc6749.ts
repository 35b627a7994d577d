import type { AuthorizationContext, CallSpec, CodeContext, Params, PlatformEntry, TokenContext } from './platform-spec.js';
import type { RefusalRule } from './answers.js';

/** The parts of a platform that follow RFC 6749 as written, for specs to use or spread. */

type WithSecret = PlatformEntry & { clientSecret: string };

/** §4.1.1 with PKCE S256 (RFC 7636 §4.3). */
export const authorizationParams: Params<AuthorizationContext<PlatformEntry>> = ({ config, redirectUri, state, codeChallenge }) => ({
  client_id: config.clientId,
  response_type: 'code',
  redirect_uri: redirectUri,
  scope: config.scope,
  state,
  code_challenge: codeChallenge,
  code_challenge_method: 'S256',
});

/** §4.1.3 with the client secret in the form body (§2.3.1) and the PKCE verifier (RFC 7636 §4.5). */
export const tokenCall: CallSpec<CodeContext<WithSecret>> = {
  method: 'POST',
  form: ({ config, code, redirectUri, codeVerifier }) => ({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: config.clientId,
    client_secret: config.clientSecret,
    code_verifier: codeVerifier,
  }),
};

/** §6, the client authenticated the same way. */
export const refreshCall: CallSpec<TokenContext<WithSecret>> = {
  method: 'POST',
  form: ({ config, tokens }) => ({
    grant_type: 'refresh_token',
    refresh_token: tokens.refresh_token,
    client_id: config.clientId,
    client_secret: config.clientSecret,
  }),
};

/** RFC 6750 §2.1. */
export const bearer: Params<TokenContext<PlatformEntry>> = ({ tokens }) => ({ authorization: `Bearer ${tokens.access_token}` });

/** §5.2: an `error` member is a refusal, also when the platform answers it with HTTP 200 (GitHub). */
export const ERROR_MEMBER: RefusalRule = { path: 'error', busy: ['temporarily_unavailable', 'server_error'] };
