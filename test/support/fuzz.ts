import fc from 'fast-check';

/**
 * How many cases a property runs: `base` in `npm test`, that many times `FUZZ_SCALE` under
 * `npm run fuzz` (FUZZ_SCALE=20) and `npm run test:fast` (FUZZ_SCALE=0.1: the fast loop checks each
 * property on fewer inputs, `npm test` on all of them).
 */
export function runs(base: number): number {
  const scale = Number(process.env.FUZZ_SCALE ?? 1);
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** Pieces that make paths and URLs interesting to a parser: dot segments, slashes, encodings, hosts. */
export const URL_PIECES = [
  '/', '//', '///', '\\', '.', '..', '%2e', '%2E', '%2e%2e', '%252e', '%2f', '%2F', '%5c', '%5C', '%00', '%0a', '%09', '%',
  '%25', '%ZZ', '@', ':', ';', '?', '#', '&', '=', 'evil.example', 'evil.example:443', 'x', 'home', '\t', '\n', ' ', '\u0000',
  'javascript:', 'http:', 'https:', 'data:', '\u3002', '\uff0e', '\uff0f', '\u2215', '[', ']', '::1', '127.0.0.1', '💥',
] as const;

/** `text` (URL_PIECES joined, say) as raw as a request target may be: characters outside visible ASCII, and `#`, percent-encoded as UTF-8; everything else untouched. */
export const asRawTarget = (text: string): string => text.replace(/[^\x21-\x7e]|#/gu, (char) => Buffer.from(char).toString('hex').replace(/../g, '%$&'));

/** A text from `texts`, cut off anywhere: a truncated JSON document, say. */
export const truncated = (texts: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  texts.chain((text) => fc.nat(text.length).map((cut) => text.slice(0, cut)));
