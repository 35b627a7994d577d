import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ViteReactApp } from './detect.js';
import { addMissing, envFile, newSecret } from './env-file.js';
import { addToPackage, SCRIPTS } from './package-json.js';
import { providerEnv, type InitProvider } from './providers.js';
import { serverFile } from './server-file.js';
import { addProxy, proxiesAuth } from './vite-config.js';

export type FileStatus = 'created' | 'updated' | 'unchanged' | 'skipped';

export interface FileAction {
  path: string;
  status: FileStatus;
  detail: string;
  /** The new content, for `created` and `updated`. */
  content?: string;
}

export interface Plan {
  actions: FileAction[];
  /** Things to tell that are not a file written: kept scripts, the proxy to paste. */
  notes: string[];
  /** The proxy could not be merged: print the snippet. */
  pasteProxy: boolean;
}

const read = (dir: string, path: string): string | undefined => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined);

function serverAction(existing: string | undefined, content: string, force: boolean): FileAction {
  const path = 'server.ts';
  if (existing === undefined) return { path, status: 'created', detail: 'the Express server: the auth routes and GET /api/me', content };
  if (existing === content) return { path, status: 'unchanged', detail: '' };
  if (force) return { path, status: 'updated', detail: 'replaced (--force)', content };
  return { path, status: 'skipped', detail: 'exists and differs (--force replaces it)' };
}

function viteAction(path: string, existing: string): FileAction {
  if (proxiesAuth(existing)) return { path, status: 'unchanged', detail: 'already proxies /auth' };
  const content = addProxy(existing);
  if (content === null) return { path, status: 'skipped', detail: 'not the shape init edits safely: paste the proxy below' };
  return { path, status: 'updated', detail: 'the dev proxy for /auth and /api', content };
}

/** create-vite's tsconfig.node.json checks vite.config.ts only: server.ts joins it, so `tsc -b` checks the server too. */
function tsconfigAction(existing: string | undefined, viteConfig: string): FileAction[] {
  const path = 'tsconfig.node.json';
  if (existing === undefined) return [];
  if (existing.includes('"server.ts"')) return [{ path, status: 'unchanged', detail: '' }];
  const include = `"include": ["${viteConfig}"]`;
  if (!existing.includes(include)) return [{ path, status: 'skipped', detail: 'add server.ts to a tsconfig\'s "include" to type-check it' }];
  return [{ path, status: 'updated', detail: 'type-checks server.ts', content: existing.replace(include, `"include": ["${viteConfig}", "server.ts"]`) }];
}

function packageAction(app: ViteReactApp): { action: FileAction; notes: string[] } {
  const path = 'package.json';
  const { pkg, added, keptScripts } = addToPackage(app.pkg);
  const notes = keptScripts.map((name) => `package.json: kept your "${name}" script ("${app.pkg.scripts?.[name]}"); the README's runs "${SCRIPTS[name]}"`);
  if (added.length === 0) return { action: { path, status: 'unchanged', detail: '' }, notes };
  const indent = /^([ \t]+)"/m.exec(app.pkgText)?.[1] ?? '  ';
  return { action: { path, status: 'updated', detail: added.join('; '), content: `${JSON.stringify(pkg, null, indent)}\n` }, notes };
}

function envAction(path: string, existing: string | undefined, names: string[], secret?: string): FileAction {
  const fresh = secret === undefined ? '' : ' with a new SESSION_SECRET';
  if (existing === undefined) return { path, status: 'created', detail: `${names.length + 1} variables${fresh}`, content: envFile(names, secret) };
  const merged = addMissing(existing, names, secret);
  if (merged === null) return { path, status: 'unchanged', detail: '' };
  return { path, status: 'updated', detail: `added ${merged.added.join(', ')}`, content: merged.text };
}

const IGNORES_ENV = /^\/?\.env\*?[ \t]*$/m;

function gitignoreAction(existing: string | undefined): FileAction {
  const path = '.gitignore';
  const detail = '.env (it holds the secrets)';
  if (existing === undefined) return { path, status: 'created', detail, content: '.env\n' };
  if (IGNORES_ENV.test(existing)) return { path, status: 'unchanged', detail: '' };
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  return { path, status: 'updated', detail, content: `${existing}${separator}\n# bff-auth: the server's secrets\n.env\n` };
}

/** What init does to the app in `dir`; nothing is written yet. */
export function planInit(dir: string, app: ViteReactApp, providers: InitProvider[], force: boolean): Plan {
  const names = providerEnv(providers);
  const vite = viteAction(app.viteConfig, read(dir, app.viteConfig)!);
  const pkg = packageAction(app);
  const actions = [
    serverAction(read(dir, 'server.ts'), serverFile(providers), force),
    vite,
    ...tsconfigAction(read(dir, 'tsconfig.node.json'), app.viteConfig),
    pkg.action,
    envAction('.env.example', read(dir, '.env.example'), names),
    envAction('.env', read(dir, '.env'), names, newSecret()),
    gitignoreAction(read(dir, '.gitignore')),
  ];
  return { actions, notes: pkg.notes, pasteProxy: vite.status === 'skipped' };
}
