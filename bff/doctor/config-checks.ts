import { isIP } from 'node:net';
import { resolveConfig } from '../config/resolve.js';
import { ConfigError } from '../errors.js';
import { isLoopbackHost } from '../http/provider-fetch.js';
import { isJsonObject } from '../providers/json-body.js';
import type { ProviderType } from '../providers/provider.js';
import { problem, type Finding } from './finding.js';

type Entry = Record<string, unknown>;

/** Findings that name a config field, so the validator's own issue about that field is not said twice. */
const namesField = (findings: readonly Finding[], issue: string) => findings.some(({ field }) => field !== undefined && issue.startsWith(`${field}:`));

function secretFindings(secrets: unknown): Finding[] {
  if (!Array.isArray(secrets)) return [];
  return secrets.flatMap((secret, index) => {
    const field = `secrets.${index}`;
    return typeof secret === 'string' && secret.length < 32 ? [problem('secret_too_short', { field, length: secret.length }, { field })] : [];
  });
}

function baseUrlFindings(baseUrl: URL | undefined): Finding[] {
  return baseUrl?.protocol === 'http:' && !isLoopbackHost(baseUrl.hostname) ? [problem('base_url_http', { value: baseUrl.origin }, { field: 'baseUrl' })] : [];
}

function storeFindings(session: unknown, env: Record<string, string | undefined>): Finding[] {
  const store = isJsonObject(session) ? session.store : undefined;
  const memory = store === undefined || store === 'memory';
  return memory && env.NODE_ENV === 'production' ? [problem('memory_store_production', {}, { field: 'session.store' })] : [];
}

/** A DNS name with a dot: no IP address, no port, no localhost. */
const isPlainDomain = (url: URL) => url.port === '' && isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0 && url.hostname.includes('.');

/** What each provider entry's platform says about it as written: its domain rules and its own field checks. */
function entryFindings(entry: Entry, index: number, types: ReadonlyMap<string, ProviderType>, baseUrl: URL | undefined): Finding[] {
  const registration = types.get(String(entry.type))?.registration;
  if (!registration) return [];
  const provider = typeof entry.id === 'string' ? entry.id : `providers.${index}`;
  const findings: Finding[] = [];
  if (registration.plainDomain && baseUrl && !isPlainDomain(baseUrl)) {
    findings.push(problem('domain_not_plain', { provider, domainField: registration.domainField ?? 'domain', value: baseUrl.host }, { provider }));
  }
  for (const { code, field, otherField = '' } of registration.checkEntry?.(entry) ?? []) {
    findings.push(problem(code, { provider, field, otherField }, { provider, field: `providers.${index}.${field}` }));
  }
  return findings;
}

/**
 * The config as written: the doctor's own checks (each with what to do), then every other
 * issue the validator finds, so the doctor names all that `serve` would refuse.
 */
export function configFindings(raw: unknown, env: Record<string, string | undefined>, types: ReadonlyMap<string, ProviderType>, baseUrl: URL | undefined): Finding[] {
  const config = isJsonObject(raw) ? raw : {};
  const entries: unknown[] = Array.isArray(config.providers) ? config.providers : [];
  const findings = [
    ...secretFindings(config.secrets),
    ...baseUrlFindings(baseUrl),
    ...storeFindings(config.session, env),
    ...entries.flatMap((entry, index) => (isJsonObject(entry) ? entryFindings(entry, index, types, baseUrl) : [])),
  ];
  try {
    resolveConfig(raw);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    findings.push(...error.issues.filter((issue) => !namesField(findings, issue)).map((issue) => problem('config_invalid', { detail: issue })));
  }
  return findings;
}
