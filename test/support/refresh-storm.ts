import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './bff.js';
import { killRunning, type BffProcess } from './bff-process.js';
import type { HostileProvider } from './hostile-provider.js';
import { startBffProcessInFrontOf } from './hostile-stack.js';
import { loginForCookie, withSessionCookie } from './session-cookie.js';

/**
 * Two standalone BFF processes sharing sessions in one Redis, signing in at the
 * provider `bad` (a hostile provider, which rotates refresh tokens), with an API
 * `/api/bad` proxied to a local upstream: the stage of a refresh storm.
 */
export interface RefreshStormStage {
  processes: BffProcess[];
  /** The upstream's URL, for more BFFs proxying to it. */
  target: string;
  close: () => Promise<void>;
}

export async function startRefreshStormStage(idp: HostileProvider, redisUrl: string, keyPrefix: string): Promise<RefreshStormStage> {
  const dir = await mkdtemp(join(tmpdir(), 'bff-auth-refresh-'));
  const upstream: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const processes = await Promise.all(
    ['a', 'b'].map(async (name) => {
      const port = await freePort();
      return startBffProcessInFrontOf(idp, dir, name, port, {
        session: { store: redisUrl, keyPrefix },
        apis: [{ path: '/api/bad', provider: 'bad', target, methods: ['GET'] }],
      });
    }),
  );
  return {
    processes,
    target,
    async close() {
      await Promise.all(processes.map((bff) => bff.stop()));
      killRunning();
      await new Promise((resolve) => upstream.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** How many refresh grants the provider has seen. */
export const refreshGrants = (idp: HostileProvider) => idp.requests.filter((request) => request.path === '/token' && request.body.grant_type === 'refresh_token').length;

/** A login at `origin` whose access token is already about to expire; resolves with the session cookie. */
export async function loginWithExpiringToken(idp: HostileProvider, origin: string): Promise<string> {
  idp.behave({ accessTokenLifetime: 30 });
  const cookie = await loginForCookie({ idp, origin });
  idp.reset();
  return cookie;
}

/** `count` API calls with this session, taking the processes in turn, all at once; each resolves with its status. */
export function burst(processes: readonly BffProcess[], cookie: string, count: number): Promise<number>[] {
  return Array.from({ length: count }, (_, index) =>
    fetch(`${processes[index % processes.length]!.origin}/api/bad/x`, {
      headers: withSessionCookie(cookie),
      signal: AbortSignal.timeout(30_000),
    }).then(async (response) => {
      await response.body?.cancel();
      return response.status;
    }),
  );
}
