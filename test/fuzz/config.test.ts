/**
 * Property-based fuzzing of the configuration, the other input from outside:
 * any value given to `createAuthBff`/`resolveConfig`, and any text in a config
 * file, is either accepted or refused with a `ConfigError` naming fields, never
 * another exception.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, resolveConfig } from '../../bff/index.js';
import { TEST_SECRET } from '../support/bff.js';
import { runs, truncated } from '../support/fuzz.js';

const VALID = {
  baseUrl: 'https://app.example.test',
  secrets: [TEST_SECRET],
  session: { store: 'memory', idleTimeoutSeconds: 1800 },
  rateLimit: { loginsPerMinute: 30 },
  server: { trustProxy: 1, contentSecurityPolicy: { 'img-src': ["'self'"] } },
  providers: [
    { id: 'corp', type: 'oidc', issuer: 'https://login.example.test', clientId: 'a', clientSecret: 'b' },
    { id: 'gh', type: 'github', clientId: 'a', clientSecret: 'b' },
    { id: 'other', type: 'oauth2', clientId: 'a', clientSecret: 'b', endpoints: { authorization: 'https://o.example/a', token: 'https://o.example/t', userinfo: 'https://o.example/u' } },
  ],
  apis: [{ path: '/api/gh', provider: 'gh', target: 'https://api.github.com' }],
};

/** Resolves, or throws a ConfigError whose every issue names a field; anything else fails the property. */
function acceptedOrNamed(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    for (const issue of (error as ConfigError).issues) expect(issue).toMatch(/^[^:]+: /);
  }
}

/** `VALID` with a value somewhere replaced by any JSON value (or removed). */
const mutatedConfig = fc
  .array(
    fc.tuple(
      fc.constantFrom('baseUrl', 'secrets', 'session', 'rateLimit', 'server', 'providers', 'apis', 'basePath', 'httpTimeoutMs', 'session.store', 'session.maxSessions', 'providers.0', 'providers.0.issuer', 'providers.1.type', 'providers.2.endpoints', 'apis.0.path', 'apis.0.target', 'server.trustProxy', 'server.contentSecurityPolicy', 'rateLimit.loginsPerMinute', 'unknown'),
      fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((changes) => {
    const config = structuredClone(VALID) as Record<string, unknown>;
    for (const [path, value] of changes) {
      const keys = path.split('.');
      let target = config;
      for (const key of keys.slice(0, -1)) {
        const next = target[key];
        if (typeof next !== 'object' || next === null) break;
        target = next as Record<string, unknown>;
      }
      const last = keys.at(-1)!;
      if (value === undefined) delete target[last];
      else target[last] = value;
    }
    return config;
  });

describe('fuzzing the configuration', () => {
  it('property: any config value is accepted or refused with a ConfigError naming fields', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedConfig, fc.anything()), (config) => acceptedOrNamed(() => resolveConfig(config))),
      { numRuns: runs(1500) },
    );
  });

  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bff-auth-fuzz-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('property: any config file text is read, or refused with a ConfigError', async () => {
    const texts = fc.oneof(
      mutatedConfig.map((config) => JSON.stringify(config)),
      truncated(mutatedConfig.map((config) => JSON.stringify(config))),
      fc.string({ maxLength: 200 }),
      fc.json().map((json) => json.replace(/"[^"]*"/, '"${UNSET_VARIABLE_FOR_FUZZ}"')),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        const file = join(dir, `config-${n++}.json`);
        await writeFile(file, text);
        let loaded: unknown;
        try {
          loaded = await loadConfigFile(file, {});
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          return;
        }
        acceptedOrNamed(() => resolveConfig(loaded));
      }),
      { numRuns: runs(300) },
    );
  });
});
