import { AuthBffError } from '../errors.js';

/**
 * A provider's answer parsed as JSON whatever its content-type says (WeChat
 * serves JSON as text/plain: https://github.com/panva/oauth4webapi/pull/155),
 * or undefined when the body is not JSON. A body that cannot be read (the
 * provider stalled mid-answer past the timeout, or the connection broke) is
 * the provider's outage, not the user's fault.
 */
export async function readJsonBody(response: Response): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new AuthBffError('provider_unavailable', "The provider's answer could not be read in time.", { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
