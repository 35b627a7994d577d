import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Requests in flight at shutdown get this long to finish. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * How long an idle keep-alive connection stays open: longer than the idle timeout
 * of the load balancer in front (AWS ALB: 60 s by default, and it asks targets
 * for a longer one; nginx's upstream keepalive_timeout: 60 s), or the balancer
 * may send a request on a connection the server is just closing, and answer 502.
 * Node's own default is 5 s.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * A request's headers must arrive within `headersTimeoutMs` and the whole
 * request within `requestTimeoutMs` (else 408 and the connection closes), so
 * a client trickling bytes cannot hold connections open for minutes.
 */
export interface RequestTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

export const DEFAULT_REQUEST_TIMEOUTS: RequestTimeouts = { headersTimeoutMs: 20_000, requestTimeoutMs: 30_000 };

export interface RunningServer {
  /** e.g. `http://127.0.0.1:3000` */
  url: string;
  server: Server;
  /** Stops taking connections, lets requests in flight finish, then runs the app's own clean-up. */
  close: () => Promise<void>;
}

/** Listens on `host:port` (port 0: any free one) and closes gracefully, then calls `onClosed`. */
export async function listen(
  app: RequestListener,
  options: { port?: number; host?: string; timeouts?: RequestTimeouts },
  onClosed: () => Promise<void>,
): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const { headersTimeoutMs, requestTimeoutMs } = options.timeouts ?? DEFAULT_REQUEST_TIMEOUTS;
  const server = createServer({
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    // How often Node checks those two timeouts (its default is every 30 s).
    connectionsCheckingInterval: Math.min(1000, headersTimeoutMs),
  }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    server,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive connections go idle as their last response ends; close them then, not at their timeout.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        const forced = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await closed;
        clearInterval(sweep);
        clearTimeout(forced);
        await onClosed();
      })()),
  };
}
