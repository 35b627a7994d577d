import type { CookieOptions, Request, Response } from 'express';
import { SESSION_ID_PATTERN } from '../crypto/random.js';

/**
 * The session cookie (docs/design.md, Cookies): HttpOnly, Path=/, no Domain, and on
 * https `Secure` with the `__Host-` prefix, which browsers only accept with
 * exactly those attributes, so no subdomain can plant or shadow it.
 */
export class SessionCookie {
  readonly name: string;
  private readonly options: CookieOptions;

  constructor(options: { secure: boolean; sameSite: 'strict' | 'lax'; maxAgeSeconds: number }) {
    this.name = options.secure ? '__Host-bff-auth' : 'bff-auth';
    this.options = { httpOnly: true, secure: options.secure, sameSite: options.sameSite, path: '/', maxAge: options.maxAgeSeconds * 1000 };
  }

  /** The session id, or undefined when the cookie is absent or could never be one of ours. */
  read(req: Request): string | undefined {
    const value: unknown = req.cookies?.[this.name];
    return typeof value === 'string' && SESSION_ID_PATTERN.test(value) ? value : undefined;
  }

  isPresent(req: Request): boolean {
    return req.cookies?.[this.name] !== undefined;
  }

  write(res: Response, sessionId: string) {
    res.cookie(this.name, sessionId, this.options);
  }

  clear(res: Response) {
    const { maxAge: _, ...options } = this.options;
    res.clearCookie(this.name, options);
  }
}
