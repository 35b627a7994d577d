import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { consoleLogger, type Logger } from '../log.js';
import type { Provider } from '../providers/provider.js';
import { PROVIDER_TYPES, type ProviderConfig } from '../providers/registry.js';
import { expandEnv } from './expand-env.js';
import { apiProxySchema, type ApiProxyConfig } from './api-proxy-schema.js';
import { configSchema, type AuthBffConfigInput } from './schema.js';

export type { ProviderConfig };

/** The configuration `createAuthBff` accepts (DESIGN.md, Configuration). */
export type AuthBffConfig = Omit<AuthBffConfigInput, 'providers'> & { providers: ProviderConfig[] };

type Parsed = z.output<typeof configSchema>;

export interface ResolvedConfig extends Omit<Parsed, 'providers' | 'logger' | 'postLogoutRedirectUri'> {
  providers: Provider[];
  logger: Logger;
  postLogoutRedirectUri: string;
}

const requiredMessage = { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : undefined) };

function describe(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string[] {
  return issues.map((issue) => `${[...prefix, ...issue.path].map(String).join('.') || '(root)'}: ${issue.message}`);
}

/** Validates a config object and builds its providers; throws a {@link ConfigError} naming every bad field. */
export function resolveConfig(input: AuthBffConfig | unknown): ResolvedConfig {
  const top = configSchema.safeParse(input, requiredMessage);
  if (!top.success) throw new ConfigError(describe(top.error.issues));
  const { providers: entries, logger = consoleLogger, ...config } = top.data;

  const issues: string[] = [];
  const providers: Provider[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const providerType = PROVIDER_TYPES.get(entry.type);
    if (!providerType) {
      issues.push(`providers.${index}.type: unknown provider type "${entry.type}" (expected one of: ${[...PROVIDER_TYPES.keys()].join(', ')})`);
      return;
    }
    const parsed = providerType.configSchema.safeParse(entry, requiredMessage);
    if (!parsed.success) {
      issues.push(...describe(parsed.error.issues, ['providers', index]));
      return;
    }
    const provider = providerType.create(parsed.data, { httpTimeoutMs: config.httpTimeoutMs, logger });
    if (seen.has(provider.id)) issues.push(`providers.${index}.id: "${provider.id}" is used by another provider`);
    seen.add(provider.id);
    providers.push(provider);
  });
  const ids = new Set(entries.map((entry) => String(entry.id)));
  config.apis.forEach((api, index) => issues.push(...apiIssues(api, ids, config.basePath, `apis.${index}`)));
  if (issues.length > 0) throw new ConfigError(issues);

  return {
    ...config,
    providers,
    logger,
    postLogoutRedirectUri: config.postLogoutRedirectUri ?? new URL('/', config.baseUrl).href,
  };
}

/** What is wrong with an API proxy entry beyond its shape: it must name a configured provider and stay out of the auth routes. */
export function apiIssues(api: ApiProxyConfig, providers: ReadonlySet<string>, basePath: string, field: string): string[] {
  const issues: string[] = [];
  if (!providers.has(api.provider)) issues.push(`${field}.provider: no provider "${api.provider}" is configured`);
  if (api.path === basePath || api.path.startsWith(`${basePath}/`)) issues.push(`${field}.path: must not be under basePath "${basePath}"`);
  return issues;
}

/** Validates an API proxy entry given in code (`auth.proxy(...)`); throws a {@link ConfigError} naming the field. */
export function resolveApiProxy(input: unknown, providers: ReadonlySet<string>, basePath: string): ApiProxyConfig {
  const parsed = apiProxySchema.safeParse(input, requiredMessage);
  if (!parsed.success) throw new ConfigError(describe(parsed.error.issues, ['proxy']));
  const issues = apiIssues(parsed.data, providers, basePath, 'proxy');
  if (issues.length > 0) throw new ConfigError(issues);
  return parsed.data;
}

/** Reads a JSON config file, replacing `${NAME}` with environment variables. */
export async function loadConfigFile(path: string, env: Record<string, string | undefined> = process.env): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${path}: is not valid JSON (${(error as Error).message})`]);
  }
  const issues: string[] = [];
  const expanded = expandEnv(json, env, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return expanded;
}
