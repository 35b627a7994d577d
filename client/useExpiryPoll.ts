import { useEffect } from './react.js';
import type { SessionResponse } from '../shared/index.js';

/** setTimeout fires at once for longer delays. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Re-reads the session when it expires, so the UI does not keep showing a user who is gone. */
export function useExpiryPoll(session: SessionResponse | undefined, poll: () => unknown): void {
  const expiresAt = session?.authenticated ? session.expiresAt : 0;
  useEffect(() => {
    if (!expiresAt) return;
    const timer = setTimeout(poll, Math.min(expiresAt * 1000 - Date.now(), MAX_TIMEOUT_MS));
    return () => clearTimeout(timer);
  }, [expiresAt, poll]);
}
