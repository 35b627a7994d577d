/**
 * What `bff-auth doctor` (bff/doctor/) knows of a platform's registration, as data in the
 * platform's own file: where the app is registered, what form the callback takes there,
 * and how its token endpoint answers a code it never issued.
 */

type Codes = readonly (string | number)[];

/**
 * How the token endpoint refuses, read at `path` of its answer to a made-up code. Only
 * `invalidCode` passes: the endpoint answered, knew the app (and, where it checks the
 * secret first, the secret) and only the code was wrong.
 */
export interface TokenProbe {
  path: string;
  invalidCode: Codes;
  /** The app id is unknown. */
  unknownApp?: Codes;
  /** The secret is wrong. */
  wrongSecret?: Codes;
  /** The app id or the secret is wrong (platforms that do not say which). */
  badClient?: Codes;
  /** The server's IP address is not on the app's allowlist. */
  ipNotAllowed?: Codes;
  /** The platform could not verify the request's signature (the key it holds is not the pair of the app's). */
  badSignature?: Codes;
  /** The redirect URI is not the one registered. */
  redirectMismatch?: Codes;
}

export type ProbeVerdict = Exclude<keyof TokenProbe, 'path'>;

/** A problem with an entry's own fields as written, by a code bff/doctor/messages.ts words. */
export interface EntryProblem {
  code: string;
  field: string;
  /** The field it is confused with, where two are (a swapped key pair). */
  otherField?: string;
}

export interface Registration {
  /** The console where the app and its callback are registered. */
  console?: string;
  /** The console registers a domain, not a URI: that field's name there (WeChat's 授权回调域). */
  domainField?: string;
  /** That domain must be a plain domain name: no IP address, no port. */
  plainDomain?: boolean;
  tokenProbe?: TokenProbe;
  /** Checks of the entry's fields before validation (Alipay's keys, which only a pair can tell apart). */
  checkEntry?: (entry: Record<string, unknown>) => EntryProblem[];
}

/** What a provider lets the doctor try: harmless calls, whose answers the doctor judges. */
export interface ProviderProbes {
  /** OpenID Connect: the configured issuer, and its discovery document read (an `issuer_mismatch` error when it names another). */
  discovery?: { issuer: string; read: () => Promise<{ jwksUri?: string | undefined }> };
  /** The token endpoint's answer to a code it never issued, refusals and status not judged. */
  tokenWithInvalidCode?: (redirectUri: string) => Promise<unknown>;
}

/** The verdict of an answer to the invalid-code probe, or undefined for an answer the probe does not know. */
export function probeVerdict(probe: TokenProbe, value: unknown): ProbeVerdict | undefined {
  const verdicts = Object.keys(probe).filter((key): key is ProbeVerdict => key !== 'path');
  return verdicts.find((verdict) => probe[verdict]?.some((code) => String(code) === String(value)));
}
