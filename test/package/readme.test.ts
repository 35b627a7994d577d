/**
 * The README's TypeScript is the example app's, word for word: every ts/tsx block names its file
 * in a `<!-- file: PATH -->` line above it, and the file is what the package tests install, compile
 * in strict mode and drive in Chromium. So a snippet that stops compiling fails a test.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
