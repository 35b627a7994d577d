import { AuthBffError } from '../errors.js';
import { isJsonObject, valueAt } from '../providers/json-body.js';
import type { Provider } from '../providers/provider.js';
import { probeVerdict, type Registration } from '../providers/registration.js';
import { passed, problem, type Finding } from './finding.js';

export interface LiveContext {
  provider: Provider;
  registration?: Registration | undefined;
  redirectUri: string;
  /** Bounds every check, whatever the provider does (its fetch has the same timeout; this also covers the steps around it). */
  timeoutMs: number;
  fetch: typeof globalThis.fetch;
}

/** A made-up PKCE challenge (RFC 7636 §4.2: 43 characters of base64url): the authorization request is never completed. */
const PROBE_CHALLENGE = 'bff-auth-doctor-challenge-0123456789abcdefgh';

const detailOf = (error: unknown) => (error instanceof Error ? error.message : 'failed');

/** A short, safe rendering of an answer's code: a scalar, cut short (never free text of any length). */
const codeText = (path: string, value: unknown) => (['string', 'number', 'boolean'].includes(typeof value) ? `${path} ${String(value).slice(0, 40)}` : `no ${path}`);

/** `work`, or a rejection once `ms` have passed. */
export async function within<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** OIDC Discovery §4: the document answers and names the configured issuer; then the JWKS it names has keys. */
async function discoveryFindings({ provider, timeoutMs, fetch }: LiveContext): Promise<Finding[]> {
  const discovery = provider.probes?.discovery;
  if (!discovery) return [];
  const { id } = provider;
  let jwksUri: string | undefined;
  try {
    jwksUri = (await within(timeoutMs, discovery.read)).jwksUri;
  } catch (error) {
    const code = error instanceof AuthBffError && error.code === 'issuer_mismatch' ? 'issuer_mismatch' : 'discovery_failed';
    return [problem(code, { provider: id, value: discovery.issuer, detail: detailOf(error) }, { provider: id })];
  }
  const findings = [passed('discovery_ok', { provider: id, value: discovery.issuer }, id)];
  if (jwksUri === undefined) return [...findings, problem('jwks_failed', { provider: id, detail: 'the document names no jwks_uri' }, { provider: id })];
  try {
    const jwks = await within(timeoutMs, async (): Promise<unknown> => (await fetch(jwksUri)).json());
    const keys = isJsonObject(jwks) && Array.isArray(jwks.keys) ? jwks.keys.length : 0;
    findings.push(keys > 0 ? passed('jwks_ok', { provider: id, count: keys }, id) : problem('jwks_empty', { provider: id }, { provider: id }));
  } catch (error) {
    findings.push(problem('jwks_failed', { provider: id, detail: detailOf(error) }, { provider: id }));
  }
  return findings;
}

/** The authorization request the browser would be sent, asked once without following it: any status below 500 is an answer. */
async function authorizationFinding({ provider, redirectUri, timeoutMs, fetch }: LiveContext): Promise<Finding> {
  const { id } = provider;
  try {
    const status = await within(timeoutMs, async () => {
      const { url } = await provider.authorizationUrl({ redirectUri, state: 'bffauthdoctor', codeChallenge: PROBE_CHALLENGE, nonce: provider.usesNonce ? 'bffauthdoctor' : undefined });
      const response = await fetch(url, { redirect: 'manual' });
      await response.body?.cancel();
      return response.status;
    });
    if (status < 500) return passed('authorization_ok', { provider: id, status }, id);
    return problem('authorization_failed', { provider: id, status }, { provider: id });
  } catch (error) {
    return problem('authorization_failed', { provider: id, detail: detailOf(error) }, { provider: id });
  }
}

/**
 * A token call with a code the platform never issued: its "invalid code" refusal proves the
 * endpoint, the app id and (where checked first) the secret; the platform's data names the others.
 */
async function tokenFindings({ provider, registration, redirectUri, timeoutMs }: LiveContext): Promise<Finding[]> {
  const probe = registration?.tokenProbe;
  const ask = provider.probes?.tokenWithInvalidCode;
  if (!probe || !ask) return [];
  const { id } = provider;
  try {
    const value = valueAt(await within(timeoutMs, () => ask(redirectUri)), probe.path);
    const verdict = probeVerdict(probe, value);
    const params = { provider: id, detail: codeText(probe.path, value) };
    if (verdict === 'invalidCode') return [passed('token_invalidCode', params, id)];
    return [problem(`token_${verdict ?? 'unexpected'}`, params, { provider: id })];
  } catch (error) {
    if (error instanceof AuthBffError && error.reason === 'answer_signature_invalid') return [problem('answer_signature_invalid', { provider: id }, { provider: id })];
    return [problem('token_failed', { provider: id, detail: detailOf(error) }, { provider: id })];
  }
}

/** The harmless live checks of one provider, run side by side. */
export async function liveFindings(context: LiveContext): Promise<Finding[]> {
  const [discovery, authorization, token] = await Promise.all([discoveryFindings(context), authorizationFinding(context), tokenFindings(context)]);
  return [...discovery, authorization, ...token];
}
