import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CookieOptions, Response } from 'express';
import { SESSION_ID_PATTERN } from '../crypto/random.js';

/**
 * The session cookie (docs/design.md, Cookies): HttpOnly, Path=/, no Domain, and on
 * https `Secure` with the `__Host-` prefix, which browsers only accept with
 * exactly those attributes, so no subdomain can plant or shadow it.
 */
export class SessionCookie {
  readonly name: string;
  private readonly options: CookieOptions;
  /** The Set-Cookie value that clears it, as Express's `res.clearCookie` writes it. */
  private readonly cleared: string;

  constructor(options: { secure: boolean; sameSite: 'strict' | 'lax'; maxAgeSeconds: number }) {
    this.name = options.secure ? '__Host-bff-auth' : 'bff-auth';
    this.options = { httpOnly: true, secure: options.secure, sameSite: options.sameSite, path: '/', maxAge: options.maxAgeSeconds * 1000 };
    const sameSite = options.sameSite === 'strict' ? 'Strict' : 'Lax';
    this.cleared = `${this.name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly${options.secure ? '; Secure' : ''}; SameSite=${sameSite}`;
  }

  /**
   * The cookie in one pass over the Cookie header: `present` whether the request
   * carries it at all, `id` its session id unless it could never be one of ours.
   */
  read(req: IncomingMessage): { present: boolean; id: string | undefined } {
    const value = this.rawValue(req);
    return { present: value !== undefined, id: value !== undefined && SESSION_ID_PATTERN.test(value) ? value : undefined };
  }

  write(res: Response, sessionId: string) {
    res.cookie(this.name, sessionId, this.options);
  }

  clear(res: ServerResponse) {
    const previous = res.getHeader('set-cookie');
    res.setHeader('set-cookie', previous === undefined ? this.cleared : [...[previous].flat().map(String), this.cleared]);
  }

  /**
   * This cookie's value in the Cookie header (the first one, as cookie-parser
   * takes it), read without parsing the other cookies. Only a value matching
   * SESSION_ID_PATTERN is ever used, so no decoding is needed.
   */
  private rawValue(req: IncomingMessage): string | undefined {
    const header = req.headers.cookie;
    if (header === undefined) return undefined;
    for (let start = 0; start < header.length; ) {
      let end = header.indexOf(';', start);
      if (end < 0) end = header.length;
      const equals = header.indexOf('=', start);
      if (equals > start && equals < end && header.slice(start, equals).trim() === this.name) {
        const value = header.slice(equals + 1, end).trim();
        return value.length > 1 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
      }
      start = end + 1;
    }
    return undefined;
  }
}
