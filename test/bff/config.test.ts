import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createAuthBff, loadConfigFile, resolveConfig, silentLogger } from '../../bff/index.js';
import { acmePlatform } from '../support/custom-platform.js';

const SECRET = 'config-test-secret-0123456789-abcdefghij';

const oidc = (overrides: Record<string, unknown> = {}) => ({
  id: 'corp',
  type: 'oidc',
  issuer: 'https://login.example.com',
  clientId: 'client-a',
  clientSecret: 'secret-b',
  ...overrides,
});

const oauth2 = (overrides: Record<string, unknown> = {}) => ({
  id: 'other',
  type: 'oauth2',
  endpoints: {
    authorization: 'https://other.example.com/authorize',
    token: 'https://other.example.com/token',
    userinfo: 'https://other.example.com/userinfo',
  },
  clientId: 'client-a',
  clientSecret: 'secret-b',
  ...overrides,
});

const valid = (overrides: Record<string, unknown> = {}) => ({
  baseUrl: 'https://app.example.com',
  secrets: [SECRET],
  providers: [oidc()],
  logger: silentLogger,
  ...overrides,
});

/** The ConfigError `run` throws; fails the test when it throws nothing or something else. */
function configErrorOf(run: () => unknown): ConfigError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  return thrown as ConfigError;
}

/** The one issue about `field` (its message begins with the field path), and the error's message names it too. */
function issueAbout(error: ConfigError, field: string): string {
  const matching = error.issues.filter((issue) => issue.startsWith(`${field}: `));
  expect(matching, `issues: ${JSON.stringify(error.issues)}`).toHaveLength(1);
  const issue = matching[0] ?? '';
  expect(error.message).toContain(issue);
  return issue;
}

describe('resolveConfig rejects a bad config with a message naming the field', () => {
  it('missing secrets', () => {
    const { secrets: _, ...config } = valid();
    const error = configErrorOf(() => resolveConfig(config));
    expect(issueAbout(error, 'secrets')).toBe('secrets: is required');
    expect(error.message).toMatch(/^Invalid bff-auth config:/);
  });

  it('an empty secrets list', () => {
    const error = configErrorOf(() => resolveConfig(valid({ secrets: [] })));
    expect(issueAbout(error, 'secrets')).toMatch(/at least one secret/);
  });

  it('a secret shorter than 32 characters, by its index', () => {
    const error = configErrorOf(() => resolveConfig(valid({ secrets: [SECRET, 'short-secret'] })));
    expect(issueAbout(error, 'secrets.1')).toMatch(/at least 32 characters/);
    const first = configErrorOf(() => resolveConfig(valid({ secrets: ['x'.repeat(31)] })));
    expect(issueAbout(first, 'secrets.0')).toMatch(/at least 32 characters/);
  });

  it('never echoes the short secret itself', () => {
    const error = configErrorOf(() => resolveConfig(valid({ secrets: ['hunter2-is-my-password'] })));
    expect(error.message).not.toContain('hunter2');
  });

  it('baseUrl on plain http off loopback', () => {
    const error = configErrorOf(() => resolveConfig(valid({ baseUrl: 'http://app.example.com' })));
    expect(issueAbout(error, 'baseUrl')).toMatch(/must be https/);
  });

  it('baseUrl on plain http on loopback is fine', () => {
    for (const baseUrl of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:5173']) {
      expect(resolveConfig(valid({ baseUrl })).baseUrl.origin).toBe(new URL(baseUrl).origin);
    }
  });

  it('baseUrl with a path', () => {
    const error = configErrorOf(() => resolveConfig(valid({ baseUrl: 'https://app.example.com/app' })));
    expect(issueAbout(error, 'baseUrl')).toMatch(/without a path/);
  });

  it('baseUrl that is not a URL', () => {
    const error = configErrorOf(() => resolveConfig(valid({ baseUrl: 'app.example.com' })));
    expect(issueAbout(error, 'baseUrl')).toMatch(/absolute URL/);
  });

  it('a provider of unknown type, listing the known types', () => {
    const error = configErrorOf(() => resolveConfig(valid({ providers: [oidc({ type: 'myspace' })] })));
    const issue = issueAbout(error, 'providers.0.type');
    expect(issue).toContain('"myspace"');
    expect(issue).toContain('oidc');
    expect(issue).toContain('oauth2');
  });

  it('an oidc issuer on plain http off loopback, by the entry index', () => {
    const error = configErrorOf(() =>
      resolveConfig(valid({ providers: [oauth2(), oidc({ issuer: 'http://login.example.com' })] })),
    );
    expect(issueAbout(error, 'providers.1.issuer')).toMatch(/must be https/);
  });

  it.each(['state', 'nonce', 'redirect_uri', 'code_challenge', 'scope'])('an oidc authorizationParams that would set %s, which the BFF sends itself', (name) => {
    const error = configErrorOf(() => resolveConfig(valid({ providers: [oidc({ authorizationParams: { prompt: 'consent', [name]: 'mine' } })] })));
    expect(issueAbout(error, 'providers.0.authorizationParams')).toMatch(/must not set the parameters the BFF sends itself/);
  });

  it('an oidc authorizationParams of other parameters is accepted', () => {
    const resolved = resolveConfig(valid({ providers: [oidc({ authorizationParams: { prompt: 'consent', audience: 'https://api.example.com' } })] }));
    expect(resolved.providers.map(({ id }) => id)).toEqual(['corp']);
  });

  it('an oauth2 endpoint on plain http off loopback', () => {
    const entry = oauth2();
    const error = configErrorOf(() =>
      resolveConfig(valid({ providers: [{ ...entry, endpoints: { ...entry.endpoints, token: 'http://other.example.com/token' } }] })),
    );
    expect(issueAbout(error, 'providers.0.endpoints.token')).toMatch(/must be https/);
  });

  it('an unknown key in a provider entry (a typo is not silently ignored)', () => {
    const error = configErrorOf(() => resolveConfig(valid({ providers: [oidc({ clientSecrett: 'typo' })] })));
    const issue = issueAbout(error, 'providers.0');
    expect(issue).toContain('clientSecrett');
  });

  it('an unknown key at the top level and in session', () => {
    const top = configErrorOf(() => resolveConfig(valid({ baseURL: 'https://app.example.com' })));
    expect(top.message).toContain('baseURL');
    const session = configErrorOf(() => resolveConfig(valid({ session: { idleTimeout: 60 } })));
    expect(issueAbout(session, 'session')).toContain('idleTimeout');
  });

  it('duplicate provider ids', () => {
    const error = configErrorOf(() => resolveConfig(valid({ providers: [oidc(), oauth2({ id: 'corp' })] })));
    expect(issueAbout(error, 'providers.1.id')).toMatch(/"corp" is used by another provider/);
  });

  it('a missing clientSecret', () => {
    const { clientSecret: _, ...entry } = oidc();
    const error = configErrorOf(() => resolveConfig(valid({ providers: [entry] })));
    expect(issueAbout(error, 'providers.0.clientSecret')).toBe('providers.0.clientSecret: is required');
  });

  it('an empty clientSecret (e.g. from an empty environment variable)', () => {
    const error = configErrorOf(() => resolveConfig(valid({ providers: [oidc({ clientSecret: '' })] })));
    expect(issueAbout(error, 'providers.0.clientSecret')).toBe('providers.0.clientSecret: is required');
  });

  it('an absolute timeout shorter than the idle timeout', () => {
    const error = configErrorOf(() =>
      resolveConfig(valid({ session: { idleTimeoutSeconds: 3600, absoluteTimeoutSeconds: 600 } })),
    );
    expect(issueAbout(error, 'session.absoluteTimeoutSeconds')).toMatch(/must not be shorter than idleTimeoutSeconds/);
  });

  it('an onLogin or onEvent that is not a function (a JSON config cannot hold one)', () => {
    const error = configErrorOf(() => resolveConfig(valid({ onLogin: 'admitAll', onEvent: {} })));
    expect(issueAbout(error, 'onLogin')).toBe('onLogin: must be a function');
    expect(issueAbout(error, 'onEvent')).toBe('onEvent: must be a function');
  });

  it('no providers', () => {
    const error = configErrorOf(() => resolveConfig(valid({ providers: [] })));
    expect(issueAbout(error, 'providers')).toMatch(/at least one provider/);
  });

  it('reports every bad field at once, not just the first', () => {
    const error = configErrorOf(() =>
      resolveConfig(valid({ providers: [oidc({ type: 'nope' }), oidc({ id: 'b', clientId: '' })] })),
    );
    issueAbout(error, 'providers.0.type');
    issueAbout(error, 'providers.1.clientId');
  });

  it('names bad provider fields in the same run as bad top-level fields', () => {
    const error = configErrorOf(() =>
      resolveConfig(valid({ baseUrl: 'http://app.example', secrets: ['short'], providers: [oidc({ issuer: 'http://idp.example' }), { id: 'x' }] })),
    );
    issueAbout(error, 'baseUrl');
    issueAbout(error, 'secrets.0');
    issueAbout(error, 'providers.0.issuer');
    issueAbout(error, 'providers.1.type');
  });
});

describe("platforms: the app's own provider types", () => {
  const acme = (overrides: Record<string, unknown> = {}) => ({ id: 'acme', type: 'acme-id', clientId: 'a', clientSecret: 'b', ...overrides });

  it('builds an entry of a custom type beside the built-in ones, and types it (createAuthBff checks the entry against the platform)', () => {
    const resolved = resolveConfig(valid({ platforms: [acmePlatform], providers: [oidc(), acme({ scope: 'profile email' })] }));
    expect(resolved.providers.map(({ id, type }) => [id, type])).toEqual([['corp', 'oidc'], ['acme', 'acme-id']]);
    const auth = createAuthBff({
      baseUrl: 'https://app.example.com',
      secrets: [SECRET],
      logger: silentLogger,
      platforms: [acmePlatform],
      providers: [{ id: 'acme', type: 'acme-id', clientId: 'a', clientSecret: 'b', endpoints: { userinfo: 'https://id.acme.example/v2/me' } }],
    });
    expect(auth.providers).toEqual([{ id: 'acme', name: 'Acme ID', type: 'acme-id' }]);
    void auth.close();
    // @ts-expect-error: the platform's entry needs its clientSecret, as a built-in's does.
    const typed: Parameters<typeof createAuthBff<[typeof acmePlatform]>>[0]['providers'][number] = { id: 'acme', type: 'acme-id', clientId: 'a' };
    expect(typed.type).toBe('acme-id');
  });

  it("checks an entry of a custom type by the platform's schema, with the same messages as a built-in's", () => {
    const error = configErrorOf(() => resolveConfig(valid({ platforms: [acmePlatform], providers: [acme({ clientSecret: undefined, lang: 'en', endpoints: { identity: 'https://x.example' } })] })));
    expect(issueAbout(error, 'providers.0.clientSecret')).toBe('providers.0.clientSecret: is required');
    expect(error.issues.join('\n')).toMatch(/providers\.0: Unrecognized key: "lang"/);
    expect(error.issues.join('\n')).toMatch(/providers\.0\.endpoints: Unrecognized key: "identity"/);
  });

  it('an entry of a custom type without the platform is an unknown type; the list of known types names the platforms given', () => {
    expect(issueAbout(configErrorOf(() => resolveConfig(valid({ providers: [acme()] }))), 'providers.0.type')).toContain('"acme-id"');
    const issue = issueAbout(configErrorOf(() => resolveConfig(valid({ platforms: [acmePlatform], providers: [oidc({ type: 'myspace' })] }))), 'providers.0.type');
    expect(issue).toContain('acme-id');
  });

  it('a platform that is not one, or that takes a type already named, by its index', () => {
    expect(issueAbout(configErrorOf(() => resolveConfig(valid({ platforms: [{ type: 'x' }] }))), 'platforms.0')).toBe('platforms.0: must be a platform made with definePlatform');
    const builtIn = { ...acmePlatform, type: 'github' };
    expect(issueAbout(configErrorOf(() => resolveConfig(valid({ platforms: [builtIn] }))), 'platforms.0.type')).toBe('platforms.0.type: "github" is a built-in provider type');
    expect(issueAbout(configErrorOf(() => resolveConfig(valid({ platforms: [acmePlatform, acmePlatform] }))), 'platforms.1.type')).toBe(
      'platforms.1.type: "acme-id" is the type of another platform',
    );
  });
});

describe('resolveConfig accepts a valid minimal config', () => {
  it('fills in the documented defaults', () => {
    const resolved = resolveConfig({
      baseUrl: 'https://app.example.com',
      secrets: [SECRET],
      providers: [oidc({ name: 'Corp' }), oauth2()],
    });
    expect(resolved.baseUrl.href).toBe('https://app.example.com/');
    expect(resolved.basePath).toBe('/auth');
    expect(resolved.httpTimeoutMs).toBe(10_000);
    expect(resolved.session).toMatchObject({
      store: 'memory',
      sameSite: 'strict',
      idleTimeoutSeconds: 1800,
      absoluteTimeoutSeconds: 86_400,
    });
    expect(resolved.postLogoutRedirectUri).toBe('https://app.example.com/');
    expect(resolved.providers.map((provider) => provider.id)).toEqual(['corp', 'other']);
  });

  it('keeps what is given instead of the defaults', () => {
    const resolved = resolveConfig(
      valid({
        basePath: '/api/auth',
        httpTimeoutMs: 2500,
        session: { store: 'redis://127.0.0.1:6379', sameSite: 'lax' },
        postLogoutRedirectUri: 'https://app.example.com/bye',
      }),
    );
    expect(resolved.basePath).toBe('/api/auth');
    expect(resolved.httpTimeoutMs).toBe(2500);
    expect(resolved.session).toMatchObject({ store: 'redis://127.0.0.1:6379', sameSite: 'lax' });
    expect(resolved.postLogoutRedirectUri).toBe('https://app.example.com/bye');
  });
});

describe('loadConfigFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bff-auth-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function file(name: string, content: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  it('replaces ${NAME} in every string with the environment variable, from the env given', async () => {
    const path = await file(
      'env.json',
      JSON.stringify({
        baseUrl: 'https://${APP_HOST}',
        secrets: ['${SESSION_SECRET}'],
        providers: [oidc({ clientId: '${CORP_ID}', clientSecret: 'prefix-${CORP_SECRET}-suffix' })],
        httpTimeoutMs: 5000,
      }),
    );
    const loaded = await loadConfigFile(path, {
      APP_HOST: 'app.example.com',
      SESSION_SECRET: SECRET,
      CORP_ID: 'the-id',
      CORP_SECRET: 'the-secret',
    });
    expect(loaded).toEqual({
      baseUrl: 'https://app.example.com',
      secrets: [SECRET],
      providers: [oidc({ clientId: 'the-id', clientSecret: 'prefix-the-secret-suffix' })],
      httpTimeoutMs: 5000,
    });
    expect(resolveConfig(loaded).providers[0]?.id).toBe('corp');
  });

  it('names the field whose environment variable is not set', async () => {
    const path = await file(
      'missing-env.json',
      JSON.stringify({ baseUrl: 'https://app.example.com', secrets: ['${SESSION_SECRET}'], providers: [oidc({ clientSecret: '${CORP_SECRET}' })] }),
    );
    const error = await loadConfigFile(path, { SESSION_SECRET: SECRET }).catch((error: unknown) => error);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual(['providers.0.clientSecret: environment variable CORP_SECRET is not set']);
    expect((error as ConfigError).message).toContain('providers.0.clientSecret: environment variable CORP_SECRET is not set');
  });

  it('reads process.env when no env is given', async () => {
    const name = `BFF_AUTH_CONFIG_TEST_${process.pid}`;
    process.env[name] = 'from-process-env';
    try {
      const path = await file('process-env.json', JSON.stringify({ value: `\${${name}}` }));
      expect(await loadConfigFile(path)).toEqual({ value: 'from-process-env' });
    } finally {
      delete process.env[name];
    }
  });

  it('names the file when it is not valid JSON', async () => {
    const path = await file('broken.json', '{ "baseUrl": "https://app.example.com", }');
    const error = await loadConfigFile(path, {}).catch((error: unknown) => error);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(path);
    expect((error as ConfigError).message).toMatch(/not valid JSON/);
  });

  it('names the file when it cannot be read', async () => {
    const path = join(dir, 'does-not-exist.json');
    const error = await loadConfigFile(path, {}).catch((error: unknown) => error);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(path);
    expect((error as ConfigError).message).toMatch(/cannot be read \(ENOENT\)/);
  });

  describe('a JavaScript module (bff-auth.config.js, .mjs, .cjs)', () => {
    it('is the default export as is: functions pass through, and "${NAME}" is left alone (the module reads process.env)', async () => {
      const name = `BFF_AUTH_MODULE_TEST_${process.pid}`;
      process.env[name] = SECRET;
      try {
        const path = await file(
          'bff-auth.config.mjs',
          `const lines = [];
export default {
  baseUrl: 'https://app.example.com',
  secrets: [process.env.${name}],
  providers: [{ id: 'corp', type: 'oidc', issuer: 'https://login.example.com', clientId: '\${CORP_ID}', clientSecret: 'b' }],
  logger: { lines, info: (event) => lines.push(event), warn: (event) => lines.push(event), error: (event) => lines.push(event) },
};`,
        );
        const loaded = (await loadConfigFile(path, { CORP_ID: 'expanded' })) as {
          secrets: string[];
          providers: { clientId: string }[];
          logger: { lines: string[]; info: (event: string) => void };
        };
        expect(loaded.secrets).toEqual([SECRET]);
        expect(loaded.providers[0]?.clientId).toBe('${CORP_ID}');
        loaded.logger.info('from-the-module');
        expect(loaded.logger.lines).toEqual(['from-the-module']);
        expect(resolveConfig(loaded).logger).toBe(loaded.logger);
      } finally {
        delete process.env[name];
      }
    });

    it('reads CommonJS (module.exports) from .cjs', async () => {
      const path = await file('bff-auth.config.cjs', `module.exports = { baseUrl: 'https://app.example.com', check: () => 'called' };`);
      const loaded = (await loadConfigFile(path)) as { baseUrl: string; check: () => string };
      expect(loaded.baseUrl).toBe('https://app.example.com');
      expect(loaded.check()).toBe('called');
    });

    it('names the file when it has no default export', async () => {
      const path = await file('named-only.mjs', `export const config = { baseUrl: 'https://app.example.com' };`);
      const error = await loadConfigFile(path).catch((error: unknown) => error);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues).toEqual([`${path}: has no default export (export default { baseUrl, secrets, providers })`]);
    });

    it('names the file when it throws or does not parse, and quotes none of its source', async () => {
      const throwing = await file('throws.mjs', `throw new Error('Set SESSION_SECRET');`);
      expect(((await loadConfigFile(throwing).catch((error: unknown) => error)) as ConfigError).issues).toEqual([`${throwing}: cannot be loaded (Error: Set SESSION_SECRET)`]);
      const broken = await file('broken.mjs', `export default { secrets: ['the-secret-value-0123456789-abcdefghij' }`);
      const error = await loadConfigFile(broken).catch((error: unknown) => error);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain(`${broken}: cannot be loaded (`);
      expect((error as ConfigError).message).not.toContain('the-secret-value');
      const missing = join(dir, 'does-not-exist.mjs');
      expect(((await loadConfigFile(missing).catch((error: unknown) => error)) as ConfigError).message).toContain(`${missing}: cannot be loaded`);
    });
  });
});

describe('createAuthBff', () => {
  it('throws the same ConfigError for a bad config, before opening anything', () => {
    const error = configErrorOf(() => createAuthBff(valid({ secrets: ['short'] }) as never));
    expect(issueAbout(error, 'secrets.0')).toMatch(/at least 32 characters/);
  });

  it('builds a BFF from a valid config', async () => {
    const auth = createAuthBff(valid({ providers: [oidc({ name: 'Corp' }), oauth2()] }) as never);
    try {
      expect(auth.providers).toEqual([
        { id: 'corp', name: 'Corp', type: 'oidc' },
        { id: 'other', name: 'other', type: 'oauth2' },
      ]);
    } finally {
      await auth.close();
    }
  });
});

describe('an apple entry: a key that signs the client secret instead of clientSecret', () => {
  const { privateKey: ecKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Any RSA key is the wrong kind: a small one is made in a hundredth of a 2048-bit one's time.
  const { privateKey: rsaKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const { privateKey: otherCurve } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const pkcs8 = ecKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const apple = (overrides: Record<string, unknown> = {}) => ({
    id: 'apple',
    type: 'apple',
    clientId: 'com.example.web',
    teamId: 'ABCDE12345',
    keyId: 'KEY1234567',
    privateKey: pkcs8,
    ...overrides,
  });
  const issueOf = (overrides: Record<string, unknown>, field: string) => issueAbout(configErrorOf(() => resolveConfig(valid({ providers: [apple(overrides)] }))), field);

  it('accepts the .p8 key, with no clientSecret', () => {
    expect(() => createAuthBff(valid({ providers: [apple()] })).close()).not.toThrow();
  });

  it.each([
    ['an RSA key', rsaKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
    ['a P-384 key', otherCurve.export({ type: 'pkcs8', format: 'pem' }).toString()],
    ['the P-256 key in SEC1 ("EC PRIVATE KEY") rather than PKCS#8', ecKey.export({ type: 'sec1', format: 'pem' }).toString()],
    ['a truncated PEM', pkcs8.slice(0, 80)],
    ['the key id pasted in its place', 'KEY1234567'],
  ])('refuses %s as privateKey, at start, naming the field', (_, privateKey) => {
    expect(issueOf({ privateKey }, 'providers.0.privateKey')).toMatch(/^providers\.0\.privateKey: must be the P-256 private key Apple issues/);
  });

  it.each(['teamId', 'keyId'])('refuses a missing or malformed %s', (field) => {
    expect(issueOf({ [field]: undefined }, `providers.0.${field}`)).toMatch(new RegExp(`^providers\\.0\\.${field}: `));
    expect(issueOf({ [field]: 'ABC DE' }, `providers.0.${field}`)).toMatch(/must be the .* from the Apple developer account/);
  });

  it('refuses a clientSecret: Apple has none, the BFF signs one per call', () => {
    expect(configErrorOf(() => resolveConfig(valid({ providers: [apple({ clientSecret: 'secret' })] }))).message).toMatch(/clientSecret/);
  });
});
