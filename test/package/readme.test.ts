/**
 * The README's TypeScript is the example app's, word for word: every ts/tsx block names its file
 * in a `<!-- file: PATH -->` line above it, and the file is what the package tests install, compile
 * in strict mode and drive in Chromium. So a snippet that stops compiling fails a test.
 * And the README is the registry's package page: every link in it must resolve there too. Its
 * platform tables are generated (scripts/platform-table.ts), its configuration table follows the
 * config schema, and its curl sign-in runs against the development provider.
 */
import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../bff/config/schema.js';
import { PROVIDER_TYPES } from '../../bff/providers/registry.js';
import { generatedPart, platformTables, unwrapped } from '../../scripts/platform-table.js';
import { startDevStack, type DevStack } from '../support/dev-stack.js';
import { codeBlocks } from '../support/markdown.js';
import { PROJECT_ROOT } from './scratch.js';

const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
const typescript = codeBlocks(readme, 'README.md').filter((block) => block.language === 'ts' || block.language === 'tsx');

describe('the README code', () => {
  it('has TypeScript blocks, each one a named file', () => {
    expect(typescript.length).toBeGreaterThanOrEqual(3);
    expect(typescript.filter((block) => !block.file).map((block) => block.where)).toEqual([]);
  });

  it.each(typescript.filter((block) => block.file).map((block) => [block.file!, block]))('%s is quoted word for word', async (file, block) => {
    expect(file.startsWith('examples/')).toBe(true);
    expect(block.code).toBe(await readFile(join(PROJECT_ROOT, file), 'utf8'));
  });

  it('names only the current API: refetch, not the old refresh', () => {
    expect(readme).not.toMatch(/\brefresh\(\)/);
  });
});

/** The links of a markdown text outside its code blocks: `[text](target)`. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
}

/** GitHub's (and the registry's) anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

describe('the README links', () => {
  const targets = linkTargets(readme);
  const relative = [...new Set(targets.filter((target) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(target)).map((target) => target.replace(/#.*$/, '')))];

  it('has relative links to check', () => {
    expect(relative).toContain('SECURITY.md');
  });

  it('point at files of the repository', async () => {
    const missing = [];
    for (const target of relative) if (!(await access(join(PROJECT_ROOT, target)).then(() => true, () => false))) missing.push(target);
    expect(missing).toEqual([]);
  });

  // --ignore-scripts: the list comes from package.json's `files`, with no build (prepack) first.
  it('point at files the package ships (npm pack --dry-run)', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PROJECT_ROOT });
    const [{ files }] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const shipped = files.map(({ path }) => path);
    const unshipped = relative.filter((target) => !shipped.some((path) => path === target || path.startsWith(`${target.replace(/\/$/, '')}/`)));
    expect(unshipped).toEqual([]);
  });

  it('point at headings of the README when they are anchors', () => {
    const anchors = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1]!.replaceAll('`', ''))));
    expect(targets.filter((target) => target.startsWith('#') && !anchors.has(target.slice(1)))).toEqual([]);
  });
});

describe('the README platform tables', () => {
  it('are what `npm run docs:platforms` makes from the provider types (run it after changing a platform)', () => {
    expect(generatedPart(readme)).toBe(platformTables());
  });

  it('describe every registered provider type: each has a guide', () => {
    expect([...PROVIDER_TYPES.values()].filter((providerType) => !providerType.guide).map(({ type }) => type)).toEqual([]);
  });
});

describe('the README configuration table', () => {
  /** Its rows: the field (backticks dropped) and its default cell. */
  const rows = (() => {
    const lines = readme.split('\n');
    const header = lines.indexOf('| field | default | meaning |');
    const end = lines.indexOf('', header);
    return new Map(
      lines.slice(header + 2, end).map((line) => {
        const [field = '', defaultValue = ''] = line.split(' | ').map((cell) => cell.replace(/^\| /, ''));
        return [field.replaceAll('`', ''), defaultValue.trim()];
      }),
    );
  })();

  it('lists every top-level option of the config schema with its default (an object option: each of its fields)', () => {
    const options = Object.entries(configSchema.shape).flatMap(([key, schema]) => {
      const inner = unwrapped(schema);
      return inner instanceof z.ZodObject && !rows.has(key) ? Object.keys(inner.shape).map((field) => `${key}.${field}`) : [key];
    });
    expect(options).toContain('server.trustProxy');
    expect(options.filter((option) => !rows.get(option))).toEqual([]);
  });
});

describe("the README's curl sign-in on the demo's `dev` provider", () => {
  const recipe = codeBlocks(readme, 'README.md').find((block) => block.language === 'sh' && block.code.includes('/auth/login/dev'));
  let stack: DevStack;
  beforeAll(async () => {
    stack = await startDevStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('signs in as alice, reads the session and signs out, run as written (on this test\'s address)', async () => {
    expect(recipe).toBeDefined();
    const script = recipe!.code.replaceAll('http://localhost:3000', stack.origin);
    const { stdout } = await promisify(execFile)('bash', ['-e', '-c', script], { cwd: PROJECT_ROOT });
    expect(stdout).toContain('"authenticated":true');
    expect(stdout).toContain('"id":"dev:alice"');
    expect(stdout).toMatch(/\{"redirectTo":/);
  });
});
