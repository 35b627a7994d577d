/** `npm start` when its ports are taken: the message names the port and the way out. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
/** The demo fails at once when a port is taken; a child still running after this is a hang. */
const EXIT_MS = 30_000;

/** Listens on `port` (0: one the OS picks), or resolves undefined when the port is in use. */
async function listenOn(port: number): Promise<Server | undefined> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  const [event] = await Promise.race([once(server, 'listening').then(() => ['listening']), once(server, 'error')]);
  return event === 'listening' ? server : undefined;
}

const close = (server: Server) => new Promise((done) => server.close(done));

/**
 * The second `npm start` on port N: the first one holds the development provider's port, N+1.
 * The OS picks N+1 (so it is ours to hold); N must be free too, or the demo would name N instead.
 */
async function demoPortWithNextHeld(): Promise<{ port: number; holder: Server }> {
  for (;;) {
    const holder = (await listenOn(0))!;
    const held = (holder.address() as { port: number }).port;
    const probe = await listenOn(held - 1);
    if (probe) {
      await close(probe);
      return { port: held - 1, holder };
    }
    await close(holder);
  }
}

describe('npm start with a port taken', () => {
  it("names the taken port and says that --port moves both the demo and its provider", async () => {
    const { port, holder } = await demoPortWithNextHeld();
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'demo/start.ts', '--port', String(port)], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, NODE_ENV: 'development', OIDC_ISSUER: '', PORT: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const hung = setTimeout(() => child.kill('SIGKILL'), EXIT_MS);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearTimeout(hung);
      expect(stderr).toContain(`port ${port + 1} is in use`);
      expect(stderr).toContain('npm start -- --port N moves both');
      expect(code).toBe(1);
    } finally {
      await close(holder);
    }
  }, 2 * EXIT_MS);
});
