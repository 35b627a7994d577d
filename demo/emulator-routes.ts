import { Router, type Request, type Response } from 'express';
import type { EmulatedPlatform } from './emulated-platforms.js';

/** The cookie of the demo page's "as inside WeChat" switch. */
const IN_WECHAT_COOKIE = 'demo_in_wechat';
/** What WeChat's built-in browser adds to its user agent (the BFF looks for MicroMessenger). */
const WECHAT_USER_AGENT = ' MicroMessenger/8.0.50';
const SWITCHED_ON = new RegExp(`(?:^|;\\s*)${IN_WECHAT_COOKIE}=1(?:;|$)`);

/**
 * The demo's own routes with `--emulators`: `GET /demo/emulators` lists the emulated platforms for
 * the page, and the "as inside WeChat" switch, a cookie the page sets, makes the login routes see
 * WeChat's user agent, so that a desktop browser can watch the BFF switch to the official
 * account's login. A demo-only stand-in: a real app never rewrites a browser's user agent.
 */
export function emulatorRoutes(platforms: EmulatedPlatform[]): Router {
  const router = Router();
  router.get('/demo/emulators', (_req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store').json({ platforms, inWeChatCookie: IN_WECHAT_COOKIE });
  });
  router.use('/auth/login', (req: Request, _res: Response, next) => {
    if (SWITCHED_ON.test(req.headers.cookie ?? '')) req.headers['user-agent'] = `${req.headers['user-agent'] ?? ''}${WECHAT_USER_AGENT}`;
    next();
  });
  return router;
}
