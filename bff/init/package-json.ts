import { readFileSync } from 'node:fs';

export interface PackageJson {
  name?: string;
  version?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The scripts the README runs side by side: `npm run server` and `npm run dev`. */
export const SCRIPTS: Readonly<Record<string, string>> = { server: 'tsx --env-file=.env server.ts', dev: 'vite' };

/** bff-auth's own package.json, two folders up from the sources (bff/init/) or three from the build (dist/bff/init/). */
function ownPackage(): PackageJson {
  const path = new URL(import.meta.url.includes('/dist/bff/init/') ? '../../../package.json' : '../../package.json', import.meta.url);
  return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
}

/** What server.ts and the client need, at the ranges bff-auth itself is built and tested with. */
function wanted(): { dependencies: Record<string, string>; devDependencies: Record<string, string> } {
  const own = ownPackage();
  const range = (name: string) => own.dependencies?.[name] ?? own.peerDependencies?.[name] ?? own.devDependencies?.[name] ?? '*';
  return {
    dependencies: {
      'bff-auth': `^${own.version}`,
      express: range('express'),
      '@tanstack/react-query': range('@tanstack/react-query'),
    },
    devDependencies: { tsx: range('tsx'), '@types/express': range('@types/express'), '@types/node': range('@types/node') },
  };
}

export interface PackageChanges {
  pkg: PackageJson;
  /** e.g. `scripts: server`, `dependencies: bff-auth, express`. */
  added: string[];
  /** Scripts of that name that run something else: left as they are. */
  keptScripts: string[];
}

const sorted = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

/** The scripts and dependencies the app lacks, added; nothing already there is changed. */
export function addToPackage(pkg: PackageJson): PackageChanges {
  const next: PackageJson = { ...pkg };
  const added: string[] = [];
  const scripts = Object.keys(SCRIPTS).filter((name) => pkg.scripts?.[name] === undefined);
  if (scripts.length > 0) {
    next.scripts = { ...pkg.scripts, ...Object.fromEntries(scripts.map((name) => [name, SCRIPTS[name]!])) };
    added.push(`scripts: ${scripts.join(', ')}`);
  }
  const keptScripts = Object.keys(SCRIPTS).filter((name) => pkg.scripts?.[name] !== undefined && pkg.scripts[name] !== SCRIPTS[name]);
  const installed = (name: string) => pkg.dependencies?.[name] !== undefined || pkg.devDependencies?.[name] !== undefined;
  for (const [field, entries] of Object.entries(wanted()) as Array<['dependencies' | 'devDependencies', Record<string, string>]>) {
    const missing = Object.keys(entries).filter((name) => !installed(name));
    if (missing.length === 0) continue;
    next[field] = sorted({ ...pkg[field], ...Object.fromEntries(missing.map((name) => [name, entries[name]!])) });
    added.push(`${field}: ${missing.join(', ')}`);
  }
  return { pkg: next, added, keptScripts };
}
