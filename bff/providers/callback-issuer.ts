import { AuthBffError } from '../errors.js';
import type { LoginTransaction } from './provider.js';

/** What is known of the authorization server's issuer (RFC 9207). */
export interface IssuerFacts {
  /** Its issuer identifier, when it has one the `iss` parameter can be checked against. */
  issuer?: string | undefined;
  /** It promises an `iss` on every authorization response (RFC 9207 §3). */
  promisesIss?: boolean | undefined;
  /**
   * Whether an `iss` names this server where its issuer is a template (Microsoft's `{tenantid}`):
   * the issuer itself is known only from the ID token, which must then name this same `iss`.
   */
  fits?: ((iss: string) => boolean) | undefined;
}

/**
 * Mix-up defence (RFC 9207 §2.4): an `iss` must name the issuer the login
 * was sent to, and a server that promises `iss` must send it. Without a known
 * issuer there is nothing to compare with, so the parameter is dropped.
 * Resolves with the callback parameters to go on with.
 */
export function checkCallbackIssuer(callback: URLSearchParams, transaction: LoginTransaction, server: IssuerFacts): URLSearchParams {
  const params = new URLSearchParams(callback);
  const iss = params.get('iss');
  if (transaction.issuer === undefined) {
    params.delete('iss');
    return params;
  }
  const mismatch = iss === null ? server.promisesIss === true : iss !== transaction.issuer && server.fits?.(iss) !== true;
  if (mismatch || server.issuer !== transaction.issuer) {
    throw new AuthBffError('issuer_mismatch', 'The authorization response came from another issuer than the login was sent to.', {
      reason: iss === null ? 'iss_parameter_missing' : 'iss_parameter_mismatch',
    });
  }
  return params;
}
