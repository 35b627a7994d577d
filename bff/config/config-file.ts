import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.js';
import { expandEnv } from './expand-env.js';

/** The extensions read as a JavaScript module, not as JSON. */
const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/**
 * The config of `bff-auth serve --config FILE`. A JavaScript module (`.js`,
 * `.mjs`, `.cjs`) is imported and its default export is the config, functions
 * included (the convention of vite.config.js and its peers); it reads
 * `process.env` itself. Any other file is JSON, where `${NAME}` in a string is
 * replaced by the environment variable `NAME`.
 */
export async function loadConfigFile(path: string, env: Record<string, string | undefined> = process.env): Promise<unknown> {
  return MODULE_EXTENSIONS.has(extname(path)) ? loadModule(path) : loadJson(path, env);
}

async function loadModule(path: string): Promise<unknown> {
  let loaded: { default?: unknown };
  try {
    loaded = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown };
  } catch (error) {
    // The first line only: a syntax error's message goes on to quote the source, which may hold a secret.
    const reason = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : 'it threw';
    throw new ConfigError([`${path}: cannot be loaded (${reason})`]);
  }
  const config = await loaded.default;
  if (config === undefined) throw new ConfigError([`${path}: has no default export (export default { baseUrl, secrets, providers })`]);
  return config;
}

async function loadJson(path: string, env: Record<string, string | undefined>): Promise<unknown> {
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
