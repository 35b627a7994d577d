import { AuthBffError } from '../errors.js';

/** Deeper than any platform's profile (three levels at most); far below what a JSON serializer's stack allows. */
export const MAX_PROFILE_DEPTH = 16;
/** The profile goes into every session record: 64 KiB of JSON, many times any real one. */
export const MAX_PROFILE_BYTES = 64 * 1024;

/** The nesting depth of a parsed JSON value, walked without recursion so that no answer can exhaust the stack. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * A profile as the provider sent it, refused (`profile_failed`) when it is deeper or larger
 * than any real one: such a profile would otherwise fail later, when the session is stored,
 * as `session_store_unavailable`, and send operators to the store.
 */
export function boundedProfile(profile: Record<string, unknown>): Record<string, unknown> {
  if (depthOf(profile, MAX_PROFILE_DEPTH) > MAX_PROFILE_DEPTH) {
    throw new AuthBffError('profile_failed', `The provider's profile is nested deeper than ${MAX_PROFILE_DEPTH} levels.`);
  }
  if (Buffer.byteLength(JSON.stringify(profile)) > MAX_PROFILE_BYTES) {
    throw new AuthBffError('profile_failed', `The provider's profile is larger than ${MAX_PROFILE_BYTES} bytes.`);
  }
  return profile;
}
