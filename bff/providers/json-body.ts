import { AuthBffError } from '../errors.js';

/**
 * A provider's answer as text. A body that cannot be read (the provider
 * stalled mid-answer past the timeout, or the connection broke) is the
 * provider's outage, not the user's fault.
 */
export async function readBodyText(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw new AuthBffError('provider_unavailable', "The provider's answer could not be read in time.", { cause: error });
  }
}

/** JSON text parsed, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path (`data.open_id`) of a parsed answer; a key that holds the dots itself is found too. */
export function valueAt(value: unknown, path: string): unknown {
  if (isJsonObject(value) && path in value) return value[path];
  return path.split('.').reduce<unknown>((current, key) => (isJsonObject(current) ? current[key] : undefined), value);
}
