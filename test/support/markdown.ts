/** A fenced code block of a Markdown document. */
export interface CodeBlock {
  language: string;
  code: string;
  /** `file:line` of the opening fence. */
  where: string;
  /** The path named by a `<!-- file: PATH -->` line right above the block, if any. */
  file?: string | undefined;
}

/** The fenced code blocks of `markdown` (read from `name`), in order. */
export function codeBlocks(markdown: string, name: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`${name}:${i + 1}: an unclosed code block`);
    const file = /^<!-- file: (\S+) -->$/.exec(lines[i - 1] ?? '')?.[1];
    blocks.push({ language: fence[1]!, code: lines.slice(i + 1, end).join('\n') + '\n', where: `${name}:${i + 1}`, file });
    i = end;
  }
  return blocks;
}
