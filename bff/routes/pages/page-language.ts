import { en } from './en.js';
import type { PageMessages } from './messages.js';
import { zhCN } from './zh-CN.js';

/** Region and script subtags of Traditional Chinese: the pages have Simplified only, so these ranges are passed over. */
const TRADITIONAL = new Set(['hant', 'tw', 'hk', 'mo']);

/** The pages' language for one language range (RFC 4647 basic filtering on the primary subtag), if it names one of them. */
function messagesFor(range: string): PageMessages | undefined {
  const [primary, ...subtags] = range.split('-');
  if (primary === 'en' || primary === '*') return en;
  if (primary === 'zh' && !subtags.some((subtag) => TRADITIONAL.has(subtag))) return zhCN;
  return undefined;
}

/** RFC 9110 §12.4.2: a weight is 0 to 1 with at most three decimals; a malformed one makes the range unusable. */
const WEIGHT = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The messages for a request's `Accept-Language` (RFC 9110 §12.5.4): the ranges by weight, the
 * header's order breaking ties, and the first one that is English or Simplified Chinese (`zh`,
 * `zh-CN`, `zh-Hans`, `zh-SG`...) decides. English when none does.
 */
export function pageMessages(acceptLanguage: string | undefined): PageMessages {
  const ranges = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [range = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
      const weight = parameters.length === 0 ? '1' : WEIGHT.exec(parameters.join(';'))?.[1];
      return { range, weight: weight === undefined ? 0 : Number(weight), index };
    })
    .filter(({ range, weight }) => range !== '' && weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { range } of ranges) {
    const messages = messagesFor(range);
    if (messages) return messages;
  }
  return en;
}
