import { DEFAULT_BASE_PATH } from '../../shared/index.js';
import { loadConfigFile } from '../config/config-file.js';
import { isProviderType } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { callbackUri } from '../flow/login.js';
import { createProviderFetch } from '../http/provider-fetch.js';
import { silentLogger } from '../log.js';
import { isJsonObject } from '../providers/json-body.js';
import type { Provider, ProviderType } from '../providers/provider.js';
import { providerTypesWith } from '../providers/registry.js';
import { configFindings } from './config-checks.js';
import { problem, type Finding } from './finding.js';
import { liveFindings, within } from './live-checks.js';
import { say, type Lang } from './messages.js';

export interface DoctorOptions {
  lang?: Lang;
  /** NODE_ENV is read from it (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Each live check's bound (default 5 s): the doctor never hangs on a provider. */
  timeoutMs?: number;
}

/** What to register for one provider (docs/design.md, `bff-auth doctor`). */
export interface ProviderRegistrationInfo {
  id: string;
  type: string;
  name: string;
  redirectUri: string;
  /** Where the provider has RP-initiated logout (end-session). */
  postLogoutRedirectUri?: string;
  /** Where the console registers a domain rather than a URI: its field's name there and the value. */
  domain?: { field: string; value: string };
  console?: string;
}

export interface DoctorReport {
  ok: boolean;
  lang: Lang;
  providers: ProviderRegistrationInfo[];
  findings: Array<Finding & { message: string }>;
}

export const DOCTOR_TIMEOUT_MS = 5_000;

interface Entry {
  id: string;
  name: string;
  providerType: ProviderType;
  /** Absent where its type's schema refuses the entry (a `config_invalid` finding says why). */
  provider?: Provider;
}

/**
 * Each provider entry with an id and a known type, built where its type's schema takes it:
 * one bad entry (or a bad top level) hides neither the others nor its own registration.
 */
function readEntries(entries: unknown[], types: ReadonlyMap<string, ProviderType>, timeoutMs: number): Entry[] {
  return entries.flatMap((entry) => {
    const providerType = isJsonObject(entry) ? types.get(String(entry.type)) : undefined;
    if (!isJsonObject(entry) || typeof entry.id !== 'string' || !providerType) return [];
    const parsed = providerType.configSchema.safeParse({ ...entry, httpTimeoutMs: timeoutMs });
    const provider = parsed.success ? providerType.create(parsed.data, { httpTimeoutMs: timeoutMs, logger: silentLogger }) : undefined;
    return [{ id: entry.id, name: provider?.name ?? (typeof entry.name === 'string' ? entry.name : providerType.type), providerType, provider }];
  });
}

async function endSessionOf(provider: Provider, postLogoutRedirectUri: string, timeoutMs: number): Promise<string | undefined> {
  if (!provider.endSessionUrl) return undefined;
  const ask = async () => provider.endSessionUrl?.({ access_token: '' }, { postLogoutRedirectUri, state: 'bffauthdoctor' });
  const url = await within(timeoutMs, ask).catch(() => undefined);
  return url === undefined ? undefined : postLogoutRedirectUri;
}

/** Runs every check of a config object; never throws for what the config says, never waits past the timeouts. */
export async function runDoctor(raw: unknown, options: DoctorOptions = {}): Promise<DoctorReport> {
  const { lang = 'en', env = process.env, timeoutMs = DOCTOR_TIMEOUT_MS } = options;
  const config = isJsonObject(raw) ? raw : {};
  const baseUrl = typeof config.baseUrl === 'string' && URL.canParse(config.baseUrl) ? new URL(config.baseUrl) : undefined;
  const basePath = typeof config.basePath === 'string' ? config.basePath : DEFAULT_BASE_PATH;
  const { types } = providerTypesWith(Array.isArray(config.platforms) ? config.platforms.filter(isProviderType) : []);
  const findings = configFindings(raw, env, types, baseUrl);

  const providers: ProviderRegistrationInfo[] = [];
  if (baseUrl) {
    const postLogout = typeof config.postLogoutRedirectUri === 'string' ? config.postLogoutRedirectUri : new URL('/', baseUrl).href;
    const fetch = createProviderFetch(timeoutMs);
    const entries = readEntries(Array.isArray(config.providers) ? config.providers : [], types, timeoutMs);
    const checked = await Promise.all(
      entries.map(async ({ id, name, providerType: { type, registration }, provider }) => {
        const redirectUri = callbackUri(baseUrl, basePath, id);
        const [live, postLogoutRedirectUri] = provider
          ? await Promise.all([liveFindings({ provider, registration, redirectUri, timeoutMs, fetch }), endSessionOf(provider, postLogout, timeoutMs)])
          : [[], undefined];
        const info: ProviderRegistrationInfo = { id, type, name, redirectUri };
        if (postLogoutRedirectUri !== undefined) info.postLogoutRedirectUri = postLogoutRedirectUri;
        if (registration?.domainField !== undefined) info.domain = { field: registration.domainField, value: baseUrl.host };
        if (registration?.console !== undefined) info.console = registration.console;
        return { info, live };
      }),
    );
    for (const { info, live } of checked) {
      providers.push(info);
      findings.push(...live);
    }
  }
  return {
    ok: findings.every((finding) => finding.ok),
    lang,
    providers,
    findings: findings.map((finding) => ({ ...finding, message: say(lang, finding.code, finding.params) })),
  };
}

/** The doctor on a config file (`bff-auth doctor --config FILE`): a file that cannot be loaded is one finding. */
export async function runDoctorOnFile(path: string, options: DoctorOptions = {}): Promise<DoctorReport> {
  const env = options.env ?? process.env;
  try {
    return await runDoctor(await loadConfigFile(path, env), options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const lang = options.lang ?? 'en';
    const finding = problem('config_unreadable', { detail: error.issues.join('; ') });
    return { ok: false, lang, providers: [], findings: [{ ...finding, message: say(lang, finding.code, finding.params) }] };
  }
}
