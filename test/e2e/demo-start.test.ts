/** `npm start` when its ports are taken: the message names the port and the way out. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/bff.js';

const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

describe('npm start with a port taken', () => {
  it("names the taken port and says that --port moves both the demo and its provider", async () => {
    const port = await freePort();
    // The second `npm start`: the first one holds the development provider's port, the next one.
    const holder = createServer();
    await new Promise<void>((done) => holder.listen(port + 1, '127.0.0.1', done));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'demo/start.ts', '--port', String(port)], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, NODE_ENV: 'development', OIDC_ISSUER: '', PORT: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((done) => child.once('exit', done));
      expect(code).toBe(1);
      expect(stderr).toContain(`port ${port + 1} is in use`);
      expect(stderr).toContain('npm start -- --port N moves both');
    } finally {
      await new Promise((done) => holder.close(done));
    }
  }, 60_000);
});
