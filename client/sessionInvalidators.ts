/** Mounted AuthProviders register here, so a 401 from plain authFetch still refreshes their session. */
export const sessionInvalidators = new Set<() => unknown>();
