import type { AuthorizationContext, CallSpec, CodeContext, Params, PlatformEntry, TokenContext } from './platform-spec.js';
import type { RefusalRule } from './answers.js';
import type { TokenProbe } from '../registration.js';

/** The parts of a platform that follow RFC 6749 as written, for specs to use or spread. */

type WithSecret = PlatformEntry & { clientSecret: string };

/** How the client authenticates at the token endpoint (§2.3.1; the names are RFC 7591's). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** §4.1.1 with PKCE S256 (RFC 7636 §4.3); an empty scope is left out (§3.3: the server's default). */
export const authorizationParams: Params<AuthorizationContext<PlatformEntry>> = ({ config, redirectUri, state, codeChallenge }) => ({
  client_id: config.clientId,
  response_type: 'code',
  redirect_uri: redirectUri,
  scope: config.scope || undefined,
  state,
  code_challenge: codeChallenge,
  code_challenge_method: 'S256',
});

/** §4.1.1 without PKCE, for platforms that refuse it or do not document it (a challenge they ignore would only mislead). */
export const authorizationParamsWithoutPkce: Params<AuthorizationContext<PlatformEntry>> = (context) => ({
  ...authorizationParams(context),
  code_challenge: undefined,
  code_challenge_method: undefined,
});

/** Appendix B: application/x-www-form-urlencoded, every character but letters and digits escaped, as the Basic credentials need (§2.3.1). */
function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[-_.!~*'()]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** A POST to the token (or revocation) endpoint carrying `form`, the client authenticated by `method` (§2.3.1). */
function clientCall<Context extends { config: WithSecret }>(form: Params<Context>, method: ClientAuthMethod): CallSpec<Context> {
  if (method === 'client_secret_post') {
    return { method: 'POST', form: (context) => ({ ...form(context), client_id: context.config.clientId, client_secret: context.config.clientSecret }) };
  }
  return {
    method: 'POST',
    form,
    headers: ({ config }) => ({ authorization: `Basic ${btoa(`${formEncode(config.clientId)}:${formEncode(config.clientSecret)}`)}` }),
  };
}

/** §4.1.3 with the PKCE verifier (RFC 7636 §4.5), unless the authorization request sent no challenge (`pkce: false`). */
export const tokenCall = (method: ClientAuthMethod = 'client_secret_post', { pkce = true }: { pkce?: boolean } = {}) =>
  clientCall<CodeContext<WithSecret>>(
    ({ code, redirectUri, codeVerifier }) => ({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: pkce ? codeVerifier : undefined,
    }),
    method,
  );

/** §6, the client authenticated the same way. */
export const refreshCall = (method: ClientAuthMethod = 'client_secret_post') =>
  clientCall<TokenContext<WithSecret>>(({ tokens }) => ({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }), method);

/** RFC 7009 §2.1: the refresh token where there is one, since revoking it ends the access tokens issued with it (§2.1). */
export const revocationCall = (method: ClientAuthMethod = 'client_secret_post') =>
  clientCall<TokenContext<WithSecret>>(({ tokens }) => ({ token: tokens.refresh_token ?? tokens.access_token }), method);

/** RFC 6750 §2.1. */
export const bearer: Params<TokenContext<PlatformEntry>> = ({ tokens }) => ({ authorization: `Bearer ${tokens.access_token}` });

/** §5.2: an `error` member is a refusal, also when the platform answers it with HTTP 200 (GitHub). */
export const ERROR_MEMBER: RefusalRule = { path: 'error', busy: ['temporarily_unavailable', 'server_error'] };

/** §5.2 for bff-auth doctor: a made-up code is `invalid_grant`, a wrong client id or secret `invalid_client`. */
export const TOKEN_PROBE: TokenProbe = { path: 'error', invalidCode: ['invalid_grant'], badClient: ['invalid_client'] };
