import { parseJson } from './json-body.js';

/** One top-level member of a JSON object text: its decoded name and the raw text span of its value. */
export interface JsonMember {
  name: string;
  start: number;
  end: number;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** The index just past the string that opens at `start` (escapes skipped). */
function stringEnd(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index += 1) {
    if (text[index] === '\\') index += 1;
    else if (text[index] === '"') return index + 1;
  }
  return text.length;
}

/** The index just past the value that opens at `start`: nested objects, arrays and strings skipped in one pass. */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"') {
      index = stringEnd(text, index);
      if (depth === 0) return index;
      continue;
    }
    if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') {
      if (depth === 0) return index;
      depth -= 1;
      if (depth === 0) return index + 1;
    } else if (depth === 0 && (char === ',' || WHITESPACE.has(char))) return index;
    index += 1;
  }
  return index;
}

const skipWhitespace = (text: string, index: number) => {
  while (index < text.length && WHITESPACE.has(text[index]!)) index += 1;
  return index;
};

/**
 * The top-level members of a JSON object text, in order, each value's span exactly as sent,
 * or undefined when the text is not a JSON object. One linear pass (no regex, no backtracking);
 * the text is checked to be JSON first, so the scan only has to find the boundaries.
 */
export function topLevelMembers(text: string): JsonMember[] | undefined {
  const parsed = parseJson(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const members: JsonMember[] = [];
  let index = skipWhitespace(text, skipWhitespace(text, 0) + 1);
  while (text[index] === '"') {
    const nameEnd = stringEnd(text, index);
    const name = parseJson(text.slice(index, nameEnd)) as string;
    const start = skipWhitespace(text, skipWhitespace(text, nameEnd) + 1);
    const end = valueEnd(text, start);
    members.push({ name, start, end });
    index = skipWhitespace(text, skipWhitespace(text, end) + 1);
  }
  return members;
}
