import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The secret every bench BFF seals with. */
export const BENCH_SECRET = 'bench-secret-0123456789-abcdefghijklmnop';
/** The id of the one provider each bench BFF is configured with (the hostile test provider). */
export const PROVIDER_ID = 'bench';
/** The app's own JSON route, behind `requireSession()` or behind express-session + passport. */
export const APP_ROUTE = '/api/me';
/** Where the API proxies are mounted. */
export const PROXY_PATH = '/api/up';
/** The idle timeout of every session, in the BFF and in the peers. */
export const IDLE_TIMEOUT_SECONDS = 1800;

const KEEP_ALIVE_TIMEOUT_MS = 120_000;

/** Listens on 127.0.0.1 (`port` 0: any free one); `close` drops keep-alive connections at once. */
export async function listenOn(handler: RequestListener, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  // Longer than any pause between rounds, so no peer reuses a keep-alive socket the server is just closing.
  const server = createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
