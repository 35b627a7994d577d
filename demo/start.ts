import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, type AuthBffConfig } from '../bff/index.js';
import { startDemo } from './server.js';

/**
 * `npm start`: the demo on http://localhost:3000. With no credentials it runs
 * the embedded development provider (on the next port); with `--config FILE`, or OIDC_ISSUER,
 * OIDC_CLIENT_ID and OIDC_CLIENT_SECRET in the environment, it uses those.
 * `npm start -- --port N` moves the demo to N and its development provider to N+1.
 * `npm start -- --emulators` signs in through the platform emulators instead (every built-in
 * Chinese platform and GitHub, no credentials needed).
 */
const { values } = parseArgs({ options: { config: { type: 'string' }, port: { type: 'string' }, emulators: { type: 'boolean', default: false } } });
const port = Number(values.port ?? process.env.PORT ?? 3000);
const baseUrl = `http://localhost:${port}`;

async function configured(): Promise<Omit<AuthBffConfig, 'baseUrl'> | undefined> {
  if (values.config) return (await loadConfigFile(values.config)) as AuthBffConfig;
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret, SESSION_SECRET } = process.env;
  if (!issuer || !clientId || !clientSecret) return undefined;
  return {
    secrets: [SESSION_SECRET ?? crypto.randomUUID() + crypto.randomUUID()],
    providers: [{ id: 'oidc', type: 'oidc', name: new URL(issuer).hostname, issuer, clientId, clientSecret }],
  };
}

try {
  const config = await configured();
  const demo = await startDemo({
    baseUrl,
    port,
    host: 'localhost',
    staticDir: resolve(fileURLToPath(import.meta.url), '../dist'),
    config,
    devProviderPort: port + 1,
    emulators: values.emulators,
  });
  console.log(`\n  bff-auth demo: open ${demo.url}\n`);
  console.log(
    demo.emulated
      ? `  Signing in through the platform emulators (not the real platforms): ${demo.emulated.map(({ name }) => name).join(', ')}.\n`
      : demo.devProvider
        ? `  Signing in through the development provider at ${demo.devProvider.issuer}: any username works.\n`
        : '  Signing in through your configured providers.\n',
  );
  const stop = () => void demo.close().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const { code, port: taken, message } = error as NodeJS.ErrnoException & { port?: number };
  console.error(
    code === 'EADDRINUSE'
      ? `The demo could not start: port ${taken} is in use (is another demo running?). The demo uses two ports, ` +
          `${port} for the app and ${port + 1} for its development provider; npm start -- --port N moves both (to N and N+1).`
      : `The demo could not start: ${message}`,
  );
  process.exit(1);
}
