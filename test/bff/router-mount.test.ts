/**
 * `auth.router` is one handler, not an Express router: it sends a path outside
 * basePath on to the app's next handler itself. It must route exactly what
 * Express would route under basePath, whatever the target.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuthBff, silentLogger } from '../../bff/index.js';
import { TEST_SECRET } from '../support/bff.js';
import { asRawTarget, runs, URL_PIECES } from '../support/fuzz.js';
import { rawGet, refusedByNode } from '../support/raw-request.js';

/** The app's own answer to whatever `auth.router` passes on. */
const APP_STATUS = 299;
const servers: Server[] = [];
/** An app with `auth.router` and its own handler after it, and one where Express routes `/auth/health` itself. */
const ports = { bff: 0, express: 0 };

const listen = async (app: express.Express) => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  servers.push(server);
  return (server.address() as AddressInfo).port;
};

beforeAll(async () => {
  const auth = createAuthBff({
    baseUrl: 'http://127.0.0.1:1',
    secrets: [TEST_SECRET],
    logger: silentLogger,
    providers: [{ id: 'github', type: 'github', clientId: 'a', clientSecret: 'b' }],
  });
  ports.bff = await listen(
    express()
      .use(auth.router)
      .use((_req, res) => void res.status(APP_STATUS).end()),
  );
  ports.express = await listen(
    express()
      .use('/auth', express.Router().get('/health', (_req, res) => void res.json({ status: 'ok' })))
      .use((_req, res) => void res.status(APP_STATUS).end()),
  );
});
afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

/** Whether the app on `port` answered `target` from its health route: true, false, or undefined when node refused the target. */
async function healthAnswers(port: number, target: string): Promise<boolean | undefined> {
  const answer = await rawGet(port, target);
  return refusedByNode(answer) ? undefined : answer.status === 200 && answer.body === '{"status":"ok"}';
}

it.each(['/auth/health', '/AUTH/Health', '/auth/health?x=1', '/auth/health/', '/authx/health', '/app/auth/health', 'http://h.example/auth/health', 'http://h.example/app', 'http://h.example/auth\\health', '/auth\\health'])(
  '%s is routed as Express routes it',
  async (target) => {
    expect(await healthAnswers(ports.bff, target)).toBe(await healthAnswers(ports.express, target));
  },
);

it('property: any request target reaches the health route exactly when Express would route it there, and the app otherwise', async () => {
  const prefixes = ['', '/auth', '/AUTH', '/auth/health', '/Auth/HEALTH', '/authx', 'http://h.example/auth/health', 'http://h.example'];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...prefixes), fc.array(fc.constantFrom(...URL_PIECES), { maxLength: 4 }), async (prefix, pieces) => {
      const target = asRawTarget(`${prefix}${pieces.join('')}`);
      if (!target.startsWith('/') && !target.startsWith('http://')) return;
      expect(await healthAnswers(ports.bff, target)).toBe(await healthAnswers(ports.express, target));
    }),
    { numRuns: runs(300) },
  );
});
