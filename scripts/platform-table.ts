/**
 * The README's platform tables, generated from the provider types themselves: every type the
 * registry holds, its config schema (fields, defaults, `endpoints` keys) and its `guide`.
 * `npm run docs:platforms` writes them between the markers; test/package/readme.test.ts
 * checks that the README holds exactly what this makes, so the tables cannot drift.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ProviderType } from '../bff/providers/provider.js';
import { PROVIDER_TYPES } from '../bff/providers/registry.js';

export const BEGIN = '<!-- platforms:begin (generated from bff/providers/platforms/ by `npm run docs:platforms`: edit those files, not this) -->';
export const END = '<!-- platforms:end -->';

/** The entry fields every type has, named in the README's prose above the tables. */
const COMMON_FIELDS = new Set(['id', 'type', 'name', 'clientId', 'httpTimeoutMs', 'endpoints']);

const MISSING = '?';

/** A cell: a `|` would end it, even inside code (GitHub-flavoured markdown). */
const cell = (text: string) => text.replaceAll('|', '\\|');
const row = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;

/** The schema under its default, prefault and optional wrappers. */
export function unwrapped(schema: z.ZodType): z.ZodType {
  let inner = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  return inner;
}

function shapeOf({ type, configSchema }: ProviderType): Record<string, z.ZodType> {
  if (!(configSchema instanceof z.ZodObject)) throw new Error(`provider type "${type}": its configSchema is not a z.object, so its fields cannot be listed`);
  return configSchema.shape;
}

/** `name` when required, `name?` when optional, `name = default`; an enum lists its values. */
function field(name: string, schema: z.ZodType): string {
  const inner = unwrapped(schema);
  const values = inner instanceof z.ZodEnum ? `: ${inner.options.map((option) => JSON.stringify(option)).join(' | ')}` : '';
  const absent = schema.safeParse(undefined);
  if (!absent.success) return `\`${name}${values}\``;
  return absent.data === undefined ? `\`${name}?${values}\`` : `\`${name}${values} = ${JSON.stringify(absent.data)}\``;
}

function ownFields(providerType: ProviderType): string {
  return Object.entries(shapeOf(providerType))
    .filter(([name]) => !COMMON_FIELDS.has(name))
    .map(([name, schema]) => field(name, schema))
    .join(', ');
}

/** The `endpoints` keys the type takes (a key it does not call is refused); required ones say so. */
function endpointKeys(providerType: ProviderType): string {
  const endpoints = shapeOf(providerType).endpoints;
  if (endpoints === undefined) return 'none';
  const inner = unwrapped(endpoints);
  if (!(inner instanceof z.ZodObject)) throw new Error(`provider type "${providerType.type}": endpoints is not a z.object`);
  return Object.entries(inner.shape as Record<string, z.ZodType>)
    .map(([key, schema]) => (schema.safeParse(undefined).success ? `\`${key}\`` : `\`${key}\` (required)`))
    .join(', ');
}

/** The two tables, for every provider type the registry holds (a type without a guide shows `?`). */
export function platformTables(types: Iterable<ProviderType> = PROVIDER_TYPES.values()): string {
  const all = [...types];
  const registration = all.map(({ type, guide }) =>
    row([guide?.title ?? type, `\`${type}\``, guide?.ids ?? MISSING, guide?.refresh ?? MISSING, guide?.revocation ?? MISSING, guide?.console ?? MISSING, guide?.redirect ?? MISSING]),
  );
  const config = all.map((providerType) =>
    row([`\`${providerType.type}\``, ownFields(providerType), endpointKeys(providerType), providerType.guide?.localDevelopment ?? MISSING]),
  );
  return [
    row(['platform', '`type`', '`providerUserId` / `unionId`', 'refresh', 'revocation', 'register the app at', 'register as redirect']),
    row(['---', '---', '---', '---', '---', '---', '---']),
    ...registration,
    '',
    'Each type\'s own fields (`name` required, `name?` optional, `name = value` with its default), the',
    '`endpoints` keys it takes, and how to sign in with it while developing:',
    '',
    row(['`type`', 'fields', '`endpoints` keys', 'developing locally']),
    row(['---', '---', '---', '---']),
    ...config,
  ].join('\n');
}

/** Where the generated text sits: between the markers' lines. */
function markedRange(readme: string): [number, number] {
  const begin = readme.indexOf(`${BEGIN}\n`);
  const end = readme.indexOf(`\n${END}`, begin);
  if (begin < 0 || end < 0) throw new Error(`README.md has no "${BEGIN}" ... "${END}" lines`);
  return [begin + BEGIN.length + 1, end];
}

/** The text between the markers. */
export function generatedPart(readme: string): string {
  return readme.slice(...markedRange(readme));
}

export function withTables(readme: string, tables: string): string {
  const [begin, end] = markedRange(readme);
  return readme.slice(0, begin) + tables + readme.slice(end);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = fileURLToPath(new URL('../README.md', import.meta.url));
  await writeFile(path, withTables(await readFile(path, 'utf8'), platformTables()));
  console.log(`README.md: the platform tables, ${PROVIDER_TYPES.size} provider types`);
}
