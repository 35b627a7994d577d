import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { consoleLogger, type Logger } from '../log.js';
import type { Provider, ProviderType } from '../providers/provider.js';
import { providerTypesWith, type ProviderConfig } from '../providers/registry.js';
import { apiProxySchema, type ApiProxyConfig } from './api-proxy-schema.js';
import { configSchema, isProviderType, type AuthBffConfigInput } from './schema.js';

export type { ProviderConfig };

/** A provider entry of one of these provider types. */
type EntryOf<Types extends readonly ProviderType[]> = Types[number] extends infer Type ? (Type extends ProviderType<infer Schema> ? z.input<Schema> : never) : never;

/**
 * The configuration `createAuthBff` accepts (docs/design.md, Configuration):
 * `providers` entries of the built-in types and of the app's own `platforms`.
 */
export type AuthBffConfig<Platforms extends readonly ProviderType[] = readonly []> = Omit<AuthBffConfigInput, 'providers' | 'platforms'> & {
  platforms?: Platforms;
  providers: (ProviderConfig | EntryOf<Platforms>)[];
};

type Parsed = z.output<typeof configSchema>;

export interface ResolvedConfig extends Omit<Parsed, 'providers' | 'platforms' | 'logger' | 'postLogoutRedirectUri'> {
  providers: Provider[];
  logger: Logger;
  postLogoutRedirectUri: string;
}

const requiredMessage = { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : undefined) };

function describe(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string[] {
  return issues.map((issue) => `${[...prefix, ...issue.path].map(String).join('.') || '(root)'}: ${issue.message}`);
}

type CheckedEntry = { providerType: ProviderType; config: unknown } | { issues: string[] };

/** One provider entry against its type's own schema. An entry without a string `type` is the top level's to report. */
function checkProviderEntry(entry: unknown, index: number, types: ReadonlyMap<string, ProviderType>): CheckedEntry {
  const type = (entry as { type?: unknown } | null)?.type;
  if (typeof type !== 'string') return { issues: [] };
  const providerType = types.get(type);
  if (!providerType) {
    return { issues: [`providers.${index}.type: unknown provider type "${type}" (expected one of: ${[...types.keys()].join(', ')})`] };
  }
  const parsed = providerType.configSchema.safeParse(entry, requiredMessage);
  return parsed.success ? { providerType, config: parsed.data } : { issues: describe(parsed.error.issues, ['providers', index]) };
}

/** Validates a config object and builds its providers; throws a {@link ConfigError} naming every bad field at once. */
export function resolveConfig(input: unknown): ResolvedConfig {
  const top = configSchema.safeParse(input, requiredMessage);
  // The provider entries are checked even when the top level fails, so one run names every bad field.
  const raw = (input ?? {}) as { providers?: unknown; platforms?: unknown };
  const entries: unknown[] = top.success ? top.data.providers : Array.isArray(raw.providers) ? raw.providers : [];
  const platforms = top.success ? top.data.platforms : Array.isArray(raw.platforms) ? raw.platforms.filter(isProviderType) : [];
  const { types, issues } = providerTypesWith(platforms);
  const checked = entries.map((entry, index) => checkProviderEntry(entry, index, types));
  issues.push(...checked.flatMap((entry) => ('issues' in entry ? entry.issues : [])));
  if (!top.success) throw new ConfigError([...describe(top.error.issues), ...issues]);
  const { providers: _entries, platforms: _platforms, logger = consoleLogger, ...config } = top.data;

  const providers: Provider[] = [];
  const seen = new Set<string>();
  const fields = new Map<Provider, string>();
  checked.forEach((entry, index) => {
    if ('issues' in entry) return;
    const provider = entry.providerType.create(entry.config, { httpTimeoutMs: config.httpTimeoutMs, logger });
    if (seen.has(provider.id)) issues.push(`providers.${index}.id: "${provider.id}" is used by another provider`);
    seen.add(provider.id);
    providers.push(provider);
    fields.set(provider, `providers.${index}`);
  });
  for (const provider of providers) issues.push(...handOffIssues(provider, providers, fields.get(provider) ?? ''));
  const ids = new Set(entries.map((entry) => String((entry as { id?: unknown }).id)));
  const tokenless = tokenlessIds(providers);
  config.apis.forEach((api, index) => issues.push(...apiIssues(api, ids, tokenless, config.basePath, `apis.${index}`)));
  if (issues.length > 0) throw new ConfigError(issues);

  return {
    ...config,
    providers,
    logger,
    postLogoutRedirectUri: config.postLogoutRedirectUri ?? new URL('/', config.baseUrl).href,
  };
}

/** A hand-off (`inWeChat`) must name a configured entry of the type it is for. */
function handOffIssues({ handOff }: Provider, providers: readonly Provider[], field: string): string[] {
  if (!handOff || providers.some(({ id, type }) => id === handOff.to && type === handOff.type)) return [];
  return [`${field}.${handOff.field}: no ${handOff.type} provider "${handOff.to}" is configured`];
}

/** The ids of the providers whose platform gives no token of the user (WeCom): no API proxy can name them. */
export const tokenlessIds = (providers: Iterable<Provider>): ReadonlySet<string> =>
  new Set([...providers].filter((provider) => provider.userToken === false).map((provider) => provider.id));

/**
 * What is wrong with an API proxy entry beyond its shape: it must name a configured provider
 * that gives a token of the user (else there is nothing to send upstream), and stay out of the auth routes.
 */
function apiIssues(api: ApiProxyConfig, providers: ReadonlySet<string>, tokenless: ReadonlySet<string>, basePath: string, field: string): string[] {
  const issues: string[] = [];
  if (!providers.has(api.provider)) issues.push(`${field}.provider: no provider "${api.provider}" is configured`);
  else if (tokenless.has(api.provider)) issues.push(`${field}.provider: "${api.provider}" gives no token of the user to send upstream`);
  if (api.path === basePath || api.path.startsWith(`${basePath}/`)) issues.push(`${field}.path: must not be under basePath "${basePath}"`);
  return issues;
}

/** Validates an API proxy entry given in code (`auth.proxy(...)`); throws a {@link ConfigError} naming the field. */
export function resolveApiProxy(input: unknown, providers: ReadonlySet<string>, tokenless: ReadonlySet<string>, basePath: string): ApiProxyConfig {
  const parsed = apiProxySchema.safeParse(input, requiredMessage);
  if (!parsed.success) throw new ConfigError(describe(parsed.error.issues, ['proxy']));
  const issues = apiIssues(parsed.data, providers, tokenless, basePath, 'proxy');
  if (issues.length > 0) throw new ConfigError(issues);
  return parsed.data;
}
