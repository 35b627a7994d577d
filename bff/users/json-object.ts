import { isDeepStrictEqual } from 'node:util';
import type { JsonObject } from '../../shared/index.js';
import { AuthBffError } from '../errors.js';

/** The most `sessionData` or `clientData` may take, serialized as UTF-8. */
export const MAX_DATA_BYTES = 4096;

/**
 * The app's value as the JSON object it will be stored and read back as, or an
 * `internal_error` saying why not: more than 4 KiB serialized, or anything JSON
 * would not give back equal (a cycle, `undefined`, a Date, a class instance,
 * NaN, -0, an object without Object.prototype).
 */
export function toJsonObject(value: unknown, name: 'sessionData' | 'clientData'): JsonObject {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    // A cycle, a BigInt, or nesting deeper than the stack.
    throw new AuthBffError('internal_error', `The app's ${name} is not JSON.`, { cause, reason: `${name}_not_json` });
  }
  if (text === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthBffError('internal_error', `The app's ${name} is not a JSON object.`, { reason: `${name}_not_object` });
  }
  if (Buffer.byteLength(text) > MAX_DATA_BYTES) {
    throw new AuthBffError('internal_error', `The app's ${name} is over ${MAX_DATA_BYTES} bytes.`, { reason: `${name}_too_large` });
  }
  // JSON.parse defines own properties: a key named `__proto__` stays a key.
  const parsed = JSON.parse(text) as JsonObject;
  if (!isDeepStrictEqual(parsed, value)) {
    throw new AuthBffError('internal_error', `The app's ${name} would not read back as it is.`, { reason: `${name}_not_json` });
  }
  return parsed;
}
