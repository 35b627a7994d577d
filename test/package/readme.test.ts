/**
 * The README's TypeScript is the example app's, word for word: every ts/tsx block names its file
 * in a `<!-- file: PATH -->` line above it, and the file is what the package tests install, compile
 * in strict mode and drive in Chromium. So a snippet that stops compiling fails a test.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './scratch.js';

interface Block {
  language: string;
  code: string;
  /** The path named by the marker line above the block, if any. */
  file?: string;
  line: number;
}

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README.md:${i + 1}: an unclosed code block`);
    const file = /^<!-- file: (\S+) -->$/.exec(lines[i - 1] ?? '')?.[1];
    blocks.push({ language: fence[1]!, code: lines.slice(i + 1, end).join('\n') + '\n', file, line: i + 1 });
    i = end;
  }
  return blocks;
}

const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
const typescript = codeBlocks(readme).filter((block) => block.language === 'ts' || block.language === 'tsx');

describe('the README code', () => {
  it('has TypeScript blocks, each one a named file', () => {
    expect(typescript.length).toBeGreaterThanOrEqual(3);
    expect(typescript.filter((block) => !block.file).map((block) => `README.md:${block.line}`)).toEqual([]);
  });

  it.each(typescript.filter((block) => block.file).map((block) => [block.file!, block]))('%s is quoted word for word', async (file, block) => {
    expect(file.startsWith('examples/')).toBe(true);
    expect(block.code).toBe(await readFile(join(PROJECT_ROOT, file), 'utf8'));
  });

  it('names only the current API: refetch, not the old refresh', () => {
    expect(readme).not.toMatch(/\brefresh\(\)/);
  });
});
