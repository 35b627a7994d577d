/**
 * Where the BFF reports what it did. Fields are plain values chosen by the BFF:
 * provider ids, error codes, user ids. Never tokens, codes, secrets, cookie
 * values or provider URLs (WeChat puts the app secret in its token URL).
 */
export interface Logger {
  info: (event: string, fields?: Record<string, unknown>) => void;
  warn: (event: string, fields?: Record<string, unknown>) => void;
  error: (event: string, fields?: Record<string, unknown>) => void;
}

function line(level: string, event: string, fields?: Record<string, unknown>): string {
  return JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
}

/** JSON lines on stderr. */
export const consoleLogger: Logger = {
  info: (event, fields) => console.error(line('info', event, fields)),
  warn: (event, fields) => console.error(line('warn', event, fields)),
  error: (event, fields) => console.error(line('error', event, fields)),
};

export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
