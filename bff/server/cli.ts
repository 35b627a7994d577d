import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { loadConfigFile } from '../config/config-file.js';
import type { AuthBffConfig } from '../config/resolve.js';
import { serverOptionsSchema } from '../config/schema.js';
import { renderReport } from '../doctor/report.js';
import { langOf } from '../doctor/messages.js';
import { runDoctorOnFile } from '../doctor/run-doctor.js';
import { ConfigError } from '../errors.js';
import { initCommand } from '../init/command.js';

const USAGE = `Usage: bff-auth serve --config FILE [--port N] [--host HOST] [--static DIR]
       bff-auth init [--providers oidc,github,wechat] [--force] [--install] [--dir DIR]
       bff-auth doctor --config FILE [--lang zh|en] [--json]
       bff-auth --version

  --config FILE   the config: a JSON file, where "\${NAME}" in a string is replaced by the
                  environment variable NAME; or a module (bff-auth.config.js, .mjs, .cjs)
                  whose default export is the config, functions included
  --port N        port to listen on (default: $PORT, else 3000)
  --host HOST     interface to listen on (default: 127.0.0.1; 0.0.0.0 for all)
  --static DIR    a built single-page app to serve next to the auth routes; index.html
                  answers any other GET whose Accept names text/html (a client-side route)

Open the config's baseUrl in the browser. Ready when GET /auth/health answers 200.

doctor checks the config and each provider's registration: what redirect URI to register and
where, and harmless live calls (discovery, JWKS, the authorization endpoint, a token call with
a made-up code). It exits 0 when all pass, 1 otherwise.
  --lang zh|en    the report's language (default: from LANG)
  --json          the report as JSON (its shape: docs/design.md, "bff-auth doctor")

init sets up bff-auth in an existing Vite + React app (bff-auth init --help).`;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function serve(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      static: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.config) fail(`--config FILE is required\n\n${USAGE}`);
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port must be a port number, not "${values.port}"`);

  const config = (await loadConfigFile(values.config)) as AuthBffConfig;
  const { startServer } = await import('./start.js');
  const server = await startServer(config, { port, host: values.host, staticDir: values.static });
  // The server owns its process. V8's full collections move objects off an old-space page only when
  // it is mostly free, so under steady load what V8 holds drifts up with no leak (RSS 1.4-2.9 MiB per
  // 10 minutes in the bench's hour-long soak); compacting on each one kept it flat, at a cost in p99
  // latency (docs/design.md, server/). The config is valid here: the server started on it.
  if (serverOptionsSchema.parse(config.server ?? {}).compactHeap) setFlagsFromString('--compact-on-every-full-gc');
  // Browsers must use baseUrl: a login started on another name for this host could not finish there.
  console.log(`bff-auth: open ${new URL(String(config.baseUrl)).origin}/ (the config's baseUrl)`);
  console.log(`bff-auth listening on ${server.url}`);
  const shutdown = () => void server.close().finally(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

async function doctor(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, lang: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return console.log(USAGE);
  if (!values.config) fail(`--config FILE is required\n\n${USAGE}`);
  if (values.lang !== undefined && !['zh', 'en'].includes(values.lang)) fail(`--lang must be zh or en, not "${values.lang}"`);
  const report = await runDoctorOnFile(values.config, { lang: langOf(values.lang, process.env) });
  // Exit once the report is written (a pipe may take it asynchronously); idle keep-alive sockets must not hold the process.
  process.stdout.write(`${values.json ? JSON.stringify(report, null, 2) : renderReport(report)}\n`, () => process.exit(report.ok ? 0 : 1));
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { serve, doctor, init: async (args) => process.exit(initCommand(args)) };

async function main([command = '', ...args]: string[]) {
  const run = COMMANDS[command];
  if (!run) return ['--help', '-h', 'help'].includes(command) ? console.log(USAGE) : fail(USAGE);
  try {
    await run(args);
  } catch (error) {
    fail(error instanceof ConfigError ? error.message : `bff-auth could not start: ${(error as Error).message}`);
  }
}

await main(process.argv.slice(2));
