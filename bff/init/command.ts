import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { detectApp, type ViteReactApp } from './detect.js';
import { planInit, type Plan } from './plan.js';
import { parseProviders, providerEnv, type InitProvider } from './providers.js';
import { DEV_BASE_URL } from './server-file.js';
import { PROXY_SNIPPET } from './vite-config.js';

export const INIT_USAGE = `Usage: bff-auth init [--providers oidc,github,wechat] [--force] [--install] [--dir DIR]

  Sets up bff-auth in an existing Vite + React app: server.ts, the Vite dev proxy, the
  package.json scripts and dependencies, .env.example and .env (with a new SESSION_SECRET).
  Files are only ever added to; an existing server.ts is kept unless --force.

  --providers LIST  the provider entries of server.ts (default: oidc)
  --force           replace an existing server.ts that differs
  --install         run the package manager's install afterwards (else it prints the command)
  --dir DIR         the app's folder (default: the current one)`;

/** What init writes and prints; `print` takes each line (console.log from the command). */
export interface InitOptions {
  dir: string;
  providers?: string | undefined;
  force?: boolean | undefined;
  install?: boolean | undefined;
  print: (line: string) => void;
}

const indent = (text: string) => text.replace(/^(?=.)/gm, '    ');

function mainSnippet(app: ViteReactApp, dir: string, providers: InitProvider[]): string {
  const main = app.main ?? 'the file that calls createRoot';
  if (app.main && readFileSync(join(dir, app.main), 'utf8').includes('AuthProvider')) return `${main} uses <AuthProvider> already.`;
  return `Wrap the app in <AuthProvider>, in ${main}:

    import { AuthProvider } from 'bff-auth/client';

    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <AuthProvider>
          <App />
        </AuthProvider>
      </StrictMode>,
    );

  and sign in and out anywhere inside it:

    import { LoginButton, useAuth } from 'bff-auth/client';

    const { user, logout } = useAuth();
    return user ? <button onClick={() => void logout()}>Sign out {user.name}</button> : <LoginButton provider="${providers[0]!.id}" />;`;
}

function registration(providers: InitProvider[]): string[] {
  const host = new URL(DEV_BASE_URL).host;
  return providers.flatMap(({ id, registersDomain, postLogoutRedirect }) => {
    const callback = `${DEV_BASE_URL}/auth/callback/${id}`;
    const lines = registersDomain
      ? // The console takes a domain only (README, Platforms); whether it takes localhost, the platform facts sheet does not say.
        [`${id}: the callback domain (授权回调域) ${host}, the host of ${callback}; if the console refuses it, develop on a domain of yours that reaches this machine, with BASE_URL set to it`]
      : [`${id}: the redirect URI ${callback}`];
    if (postLogoutRedirect) lines.push(`${id}: the post-logout redirect URI ${DEV_BASE_URL}/`);
    return lines;
  });
}

/** Per file: created, updated, unchanged or skipped, and why. */
function fileLines(plan: Plan, app: ViteReactApp): string[] {
  const width = Math.max(...plan.actions.map((action) => action.path.length));
  const lines = plan.actions.map(({ status, path, detail }) => `  ${status.padEnd(9)} ${path.padEnd(width)}  ${detail}`.trimEnd());
  const changed = plan.actions.some((action) => action.content !== undefined);
  lines.push('', changed ? 'Done.' : 'Nothing to change: the app is set up already.', ...plan.notes);
  if (plan.pasteProxy) lines.push('', `Paste into ${app.viteConfig} (the proxy to server.ts in development):`, '', indent(PROXY_SNIPPET));
  return lines;
}

function nextSteps(app: ViteReactApp, dir: string, providers: InitProvider[], installed: boolean): string[] {
  const steps = [
    ...(installed ? [] : [`Install what package.json now lists: ${app.installCommand}`]),
    `Fill in .env: ${providerEnv(providers).join(', ')}`,
    `Register at each provider (for development; in production, the same with your https origin):\n${registration(providers).map((line) => `       ${line}`).join('\n')}`,
    mainSnippet(app, dir, providers),
    `Run \`npm run server\` and \`npm run dev\` side by side, and open ${DEV_BASE_URL}`,
  ];
  return ['', 'Next:', ...steps.map((step, index) => `  ${index + 1}. ${step}`)];
}

/** `bff-auth init`: the exit code; every line goes to `print`. */
export function runInit(options: InitOptions): number {
  const dir = resolve(options.dir);
  const providers = parseProviders(options.providers);
  if (typeof providers === 'string') {
    options.print(providers);
    return 1;
  }
  const app = detectApp(dir);
  if (typeof app === 'string') {
    options.print(app);
    return 1;
  }
  const plan = planInit(dir, app, providers, options.force ?? false);
  for (const action of plan.actions) if (action.content !== undefined) writeFileSync(join(dir, action.path), action.content);
  const print = (lines: string[]) => lines.forEach((line) => options.print(line));
  print([`bff-auth init: a Vite + React app in ${dir} (providers: ${providers.map((entry) => entry.id).join(', ')})`, '', ...fileLines(plan, app)]);
  let installed = false;
  if (options.install) {
    const [command, ...args] = app.installCommand.split(' ') as [string, ...string[]];
    // Windows runs npm, pnpm and yarn as .cmd files, through a shell.
    const result = spawnSync(command, args, { cwd: dir, stdio: 'inherit', shell: process.platform === 'win32' });
    if (result.status !== 0) {
      options.print(`${app.installCommand} failed (${result.error?.message ?? `exit code ${result.status}`}); the files are written: run it again.`);
      return 1;
    }
    installed = true;
  }
  print(nextSteps(app, dir, providers, installed));
  return 0;
}

const OPTIONS = {
  providers: { type: 'string' },
  force: { type: 'boolean' },
  install: { type: 'boolean' },
  dir: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function initCommand(args: string[]): number {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args, options: OPTIONS }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${INIT_USAGE}`);
    return 1;
  }
  if (values.help) {
    console.log(INIT_USAGE);
    return 0;
  }
  return runInit({ ...values, dir: values.dir ?? process.cwd(), print: (line) => console.log(line) });
}
