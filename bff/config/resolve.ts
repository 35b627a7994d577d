import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { consoleLogger, type Logger } from '../log.js';
import type { OAuth2ProviderConfig } from '../providers/oauth2.js';
import type { OidcProviderConfig } from '../providers/oidc.js';
import type { Provider } from '../providers/provider.js';
import { PROVIDER_TYPES } from '../providers/registry.js';
import { expandEnv } from './expand-env.js';
import { configSchema, type AuthBffConfigInput } from './schema.js';

export type ProviderConfig = OidcProviderConfig | OAuth2ProviderConfig;

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
  if (issues.length > 0) throw new ConfigError(issues);

  return {
    ...config,
    providers,
    logger,
    postLogoutRedirectUri: config.postLogoutRedirectUri ?? new URL('/', config.baseUrl).href,
  };
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
