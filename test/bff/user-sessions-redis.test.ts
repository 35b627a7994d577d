import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { AuthBff } from '../../bff/index.js';
import { freePort, TEST_SECRET } from '../support/bff.js';
import { killRunning, startBffProcess, STARTUP_MS, type BffProcess } from '../support/bff-process.js';
import { startHostileProvider, type HostileProvider } from '../support/hostile-provider.js';
import { deleteKeys, REDIS_URL } from '../support/redis.js';
import { adminBff, expectSessionsEndedEverywhere } from '../support/user-sessions.js';

const KEY_PREFIX = `bff-auth-test:user-sessions:${randomBytes(6).toString('hex')}:`;

describe('auth.sessions on Redis: ending a user\'s sessions held by two BFF processes', () => {
  let dir: string;
  let idp: HostileProvider;
  let processes: BffProcess[];
  let admin: AuthBff;

  const config = (origin: string) => ({
    baseUrl: origin,
    secrets: [TEST_SECRET],
    session: { store: REDIS_URL, keyPrefix: KEY_PREFIX },
    providers: [{ id: 'bad', type: 'oidc', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }],
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bff-auth-user-sessions-'));
    idp = await startHostileProvider();
    const ports = [await freePort(), await freePort()];
    processes = await Promise.all(ports.map((port, index) => startBffProcess(dir, `bff-${index}`, port, config(`http://127.0.0.1:${port}`))));
    admin = adminBff(idp, { store: REDIS_URL, keyPrefix: KEY_PREFIX });
  }, 2 * STARTUP_MS);

  afterAll(async () => {
    await Promise.all(processes?.map((bff) => bff.stop()) ?? []);
    killRunning();
    await admin?.close();
    await idp?.close();
    const redis = new Redis(REDIS_URL);
    await deleteKeys(redis, `${KEY_PREFIX}*`);
    await redis.quit();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists them from a third process, ends one by its handle, then every other one by the user id', async () => {
    await expectSessionsEndedEverywhere(idp, processes.map((bff) => bff.origin), admin);
  });
});
