import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageJson } from './package-json.js';

const VITE_CONFIGS = ['vite.config.ts', 'vite.config.mts', 'vite.config.js', 'vite.config.mjs', 'vite.config.cts', 'vite.config.cjs'];
const MAIN_FILES = ['src/main.tsx', 'src/main.jsx', 'src/main.ts', 'src/main.js'];

export interface ViteReactApp {
  pkg: PackageJson;
  /** The raw package.json, for its indentation. */
  pkgText: string;
  viteConfig: string;
  /** The file that mounts the app (create-vite's src/main.tsx), if there is one. */
  main: string | undefined;
  /** The install command for the app's package manager, read from its lock file. */
  installCommand: string;
}

function installCommand(dir: string): string {
  if (existsSync(join(dir, 'pnpm-lock.yaml'))) return 'pnpm install';
  if (existsSync(join(dir, 'yarn.lock'))) return 'yarn install';
  if (existsSync(join(dir, 'bun.lockb')) || existsSync(join(dir, 'bun.lock'))) return 'bun install';
  return 'npm install';
}

/** The Vite + React app in `dir`, or why `dir` is not one. */
export function detectApp(dir: string): ViteReactApp | string {
  const advice = 'bff-auth init sets up an existing Vite + React app: run it in the folder with its package.json (npm create vite@latest -- --template react-ts makes one).';
  let pkgText: string;
  let pkg: PackageJson;
  try {
    pkgText = readFileSync(join(dir, 'package.json'), 'utf8');
    pkg = JSON.parse(pkgText) as PackageJson;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no package.json' : `package.json cannot be read (${(error as Error).message})`;
    return `${dir}: ${reason}. ${advice}`;
  }
  const has = (name: string) => pkg.dependencies?.[name] !== undefined || pkg.devDependencies?.[name] !== undefined;
  const missing = ['vite', 'react'].filter((name) => !has(name));
  if (missing.length > 0) return `${dir}: package.json does not depend on ${missing.join(' or ')}. ${advice}`;
  const viteConfig = VITE_CONFIGS.find((name) => existsSync(join(dir, name)));
  if (!viteConfig) return `${dir}: no vite.config.ts (or .js, .mts, .mjs). ${advice}`;
  return { pkg, pkgText, viteConfig, main: MAIN_FILES.find((name) => existsSync(join(dir, name))), installCommand: installCommand(dir) };
}
