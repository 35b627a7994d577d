import express, { type Express, type RequestHandler } from 'express';
import type { AuthBffConfig, Logger, ProviderType } from '../../bff/index.js';
import { startServer, type RunningServer } from '../../bff/server/start.js';

export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnop';

/** Every log line a BFF wrote, as the JSON objects the console logger would print. */
export function recordingLogger(): Logger & { lines: Array<Record<string, unknown>>; text: () => string } {
  const lines: Array<Record<string, unknown>> = [];
  const write = (level: string) => (event: string, fields?: Record<string, unknown>) => {
    lines.push({ level, event, ...fields });
  };
  return { lines, info: write('info'), warn: write('warn'), error: write('error'), text: () => lines.map((line) => JSON.stringify(line)).join('\n') };
}

export interface TestBff extends RunningServer {
  logs: ReturnType<typeof recordingLogger>;
}

export type TestBffConfig = Omit<AuthBffConfig<readonly ProviderType[]>, 'baseUrl' | 'secrets'> & Partial<AuthBffConfig<readonly ProviderType[]>>;

/**
 * The JWKS re-fetch cool-down of the test stacks' `oidc` providers: short, so that a test of an
 * unknown `kid` does not wait out the real 5 s; the cool-down's own test (security-provider.test.ts)
 * sets the real one, on a clock it controls.
 */
export const TEST_JWKS_COOLDOWN_MS = 50;

/** Tests log in many times a minute from 127.0.0.1; the login rate limit is tested on its own (security-rate-limit.test.ts). */
export const UNTHROTTLED = { loginsPerMinute: 1_000_000 };

/** A standalone BFF on 127.0.0.1 at `port` (see {@link freePort}), logging into `logs`. */
export async function startTestBff(port: number, config: TestBffConfig, options: { staticDir?: string } = {}): Promise<TestBff> {
  const logs = recordingLogger();
  const server = await startServer(
    { secrets: [TEST_SECRET], logger: logs, baseUrl: `http://127.0.0.1:${port}`, rateLimit: UNTHROTTLED, ...config },
    { port, ...options },
  );
  return { ...server, logs };
}

/**
 * A {@link startTestBff} on a free port. The port is free when {@link freePort} probes it, but
 * another test may take it before the BFF binds it: then (EADDRINUSE) it starts again on another one.
 */
export async function startTestBffOnFreePort(config: TestBffConfig, options: { staticDir?: string } = {}): Promise<TestBff> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTestBff(await freePort(), config, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 5) throw error;
    }
  }
}

/**
 * Where {@link freePort} looks: below the range the OS draws ephemeral ports from (Linux's
 * `net.ipv4.ip_local_port_range`, 32768-60999 by default), and below the Redis Cluster test's
 * 20000-28999 (support/redis-cluster.ts).
 */
const FREE_PORTS = { from: 10_000, to: 20_000 };

/**
 * The one "bad port" of the Fetch Standard in {@link FREE_PORTS} (https://fetch.spec.whatwg.org/#port-blocking):
 * node's fetch and Chromium refuse to connect to it ("bad port", ERR_UNSAFE_PORT).
 */
const FETCH_BAD_PORT = 10_080;

/**
 * A port no socket holds now, so that a BFF's `baseUrl` (and the provider's redirect URI) can be
 * known before it starts: the OS is asked to bind one at random from {@link FREE_PORTS}, and the
 * first it binds is given back. Not port 0: the OS answers that from its ephemeral range, from which
 * every outgoing connection on the machine also takes its local port, and under a loaded `npm test`
 * one did take such a port between the probe and the server's own listen (EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  for (;;) {
    const port = FREE_PORTS.from + Math.floor(Math.random() * (FREE_PORTS.to - FREE_PORTS.from));
    if (port === FETCH_BAD_PORT) continue;
    const bound = await new Promise<boolean>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (bound) return port;
  }
}

/**
 * An app serving `router` as it runs behind a TLS-terminating proxy for `publicOrigin`:
 * requests reach it on loopback, and the proxy says which host they were for
 * (`X-Forwarded-Host`, believed through `trust proxy`).
 */
export function behindTlsProxy(router: RequestHandler, publicOrigin: string): Express {
  const { host } = new URL(publicOrigin);
  return express()
    .set('trust proxy', 'loopback')
    .use((req, _res, next) => {
      req.headers['x-forwarded-host'] = host;
      req.headers['x-forwarded-proto'] = 'https';
      next();
    })
    .use(router);
}
