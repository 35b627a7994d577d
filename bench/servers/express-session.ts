import { RedisStore } from 'connect-redis';
import express, { type Request, type RequestHandler } from 'express';
import session from 'express-session';
import passport from 'passport';
import { createClient } from 'redis';
import type { SessionContent } from '../fixtures/typical-session.js';
import { APP_ROUTE, BENCH_SECRET, IDLE_TIMEOUT_SECONDS, listenOn } from './common.js';
import type { Served } from './roles.js';

declare module 'express-session' {
  interface SessionData {
    auth?: SessionContent;
  }
}

export interface ExpressSessionOptions {
  /** express-session's MemoryStore, or connect-redis on this redis:// URL. */
  store: 'memory' | { redisUrl: string; prefix: string };
  /** Passport's session strategy on top, the user being the session content. */
  passport: boolean;
}

/** The route that puts the benchmark's session content into a fresh session. */
export const PEER_LOGIN_ROUTE = '/__bench/login';

/**
 * The peers: express-session (MemoryStore or connect-redis), optionally with
 * passport, configured as their documentation suggests (resave and
 * saveUninitialized off, rolling idle expiry through the store's `touch`),
 * serving the same session route and app route as the BFF.
 */
export async function startExpressSession(options: ExpressSessionOptions): Promise<Served> {
  const redis = options.store === 'memory' ? undefined : createClient({ url: options.store.redisUrl });
  await redis?.connect();
  const app = express();
  app.use(
    session({
      secret: BENCH_SECRET,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'strict', maxAge: IDLE_TIMEOUT_SECONDS * 1000 },
      ...(redis && options.store !== 'memory' ? { store: new RedisStore({ client: redis, prefix: options.store.prefix }) } : {}),
    }),
  );
  if (options.passport) {
    passport.serializeUser((user, done) => done(null, user));
    passport.deserializeUser((user: Express.User, done) => done(null, user));
    app.use(passport.initialize(), passport.session() as RequestHandler);
  }
  const contentOf = (req: Request) => (options.passport ? (req.user as SessionContent | undefined) : req.session.auth);

  app.post(PEER_LOGIN_ROUTE, express.json({ limit: '64kb' }), (req, res, next) => {
    const content = req.body as SessionContent;
    const done = (error?: unknown) => (error ? next(error) : res.json({ ok: true }));
    if (options.passport) return req.login(content, done);
    req.session.regenerate((error) => {
      if (!error) req.session.auth = content;
      done(error);
    });
  });
  app.get('/auth/session', (req, res) => {
    const content = contentOf(req);
    const expires = req.session.cookie.expires;
    res.json(
      content && expires
        ? { authenticated: true, user: content.user, provider: content.provider, expiresAt: Math.floor(expires.getTime() / 1000) }
        : { authenticated: false },
    );
  });
  app.get(APP_ROUTE, (req, res) => {
    const content = contentOf(req);
    if (!content) return res.status(401).json({ error: 'unauthenticated', message: 'Sign in to use this route.' });
    res.json({ user: content.user });
  });

  const server = await listenOn(app);
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await redis?.quit();
    },
  };
}
