import { Redis } from 'ioredis';
import { expect, vi } from 'vitest';
import type { HostileStack } from './hostile-stack.js';
import type { RedisServer } from './redis-server.js';
import { loginForCookie, sessionWithCookie } from './session-cookie.js';

/** A replica's first full sync on a busy machine: a few seconds, bounded. */
const SYNC_MS = 30_000;

/**
 * Kills `master` once its replica has all it wrote, then expects the BFF of
 * `stack` to find every one of `cookies`' sessions again within `timeoutMs`,
 * and to write new ones to the promoted replica.
 */
export async function expectSessionsToSurviveFailover(stack: HostileStack, master: RedisServer, cookies: string[], timeoutMs: number) {
  const direct = master.client();
  try {
    // Replication is asynchronous: wait until the replica has what the master wrote, as a quiet moment in production would.
    await untilReplicasCaughtUp(direct);
  } finally {
    direct.disconnect();
  }
  await master.kill();

  await vi.waitFor(async () => expect((await sessionWithCookie(stack.origin, cookies[0]!)).status).toBe(200), { timeout: timeoutMs, interval: 250 });
  for (const cookie of cookies) expect(await sessionWithCookie(stack.origin, cookie)).toMatchObject({ status: 200, body: { authenticated: true } });
  expect((await sessionWithCookie(stack.origin, await loginForCookie(stack))).body).toMatchObject({ authenticated: true });
  expect((await fetch(`${stack.origin}/auth/health`)).status).toBe(200);
}

/**
 * Polls until every replica `master` lists is in sync with it, by the fields of
 * `INFO replication` (https://redis.io/docs/latest/commands/info/): on the replica
 * `master_link_status:up` and a `slave_repl_offset` that reached the master's `master_repl_offset`.
 */
export async function untilReplicasCaughtUp(master: Redis) {
  await vi.waitFor(
    async () => {
      const primary = await replicationInfo(master);
      // `slave0:ip=127.0.0.1,port=7001,state=online,offset=...,lag=0`
      const replicas = Object.entries(primary)
        .filter(([field]) => /^slave\d+$/.test(field))
        .map(([, value]) => new URLSearchParams(value.replaceAll(',', '&')));
      expect(replicas.length, 'replicas connected to the master').toBeGreaterThan(0);
      for (const address of replicas) {
        const replica = new Redis({ host: address.get('ip')!, port: Number(address.get('port')), maxRetriesPerRequest: 0 });
        try {
          const info = await replicationInfo(replica);
          expect(info.master_link_status).toBe('up');
          expect(Number(info.slave_repl_offset)).toBeGreaterThanOrEqual(Number(primary.master_repl_offset));
        } finally {
          replica.disconnect();
        }
      }
    },
    { timeout: SYNC_MS, interval: 100 },
  );
}

/**
 * Polls until the sentinel lists the replica on `replicaPort` of `group` as a healthy replica
 * (`SENTINEL REPLICAS`: flags exactly `slave`, `master-link-status` `ok`), so it would promote it:
 * after a failover the sentinel learns the new roles only from its next INFO round.
 */
export async function untilSentinelTrustsReplica(sentinel: Redis, group: string, replicaPort: number) {
  await vi.waitFor(
    async () => {
      const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', group)) as string[][];
      const fields = replicas.map((flat) => Object.fromEntries(flat.flatMap((value, index) => (index % 2 === 0 ? [[value, flat[index + 1]]] : []))));
      expect(fields.find((replica) => replica.port === String(replicaPort))).toMatchObject({ flags: 'slave', 'master-link-status': 'ok' });
    },
    { timeout: SYNC_MS, interval: 100 },
  );
}

/** A planned failover (`SENTINEL FAILOVER`): resolves once Sentinel names `to` as the master. */
export async function failOverTo(sentinel: Redis, group: string, to: RedisServer) {
  await sentinel.call('SENTINEL', 'FAILOVER', group);
  await vi.waitFor(async () => expect(((await sentinel.call('SENTINEL', 'get-master-addr-by-name', group)) as string[])[1]).toBe(String(to.port)), {
    timeout: SYNC_MS,
    interval: 50,
  });
}

/**
 * Makes the old master `from` a replica of `to` and waits for its sync, which drops whatever
 * `from` took alone since the promotion. Sentinel does this itself about 10 s after a failover:
 * it reconfigures an instance that reports a stale role once its INFO replies (every 10 s) have
 * shown that role for 4 publish periods of 2 s (sentinel.c, `sentinelRefreshInstanceInfo`).
 */
export async function demote(from: RedisServer, to: RedisServer) {
  const client = from.client();
  try {
    await client.replicaof('127.0.0.1', to.port);
  } finally {
    client.disconnect();
  }
  await untilReplicaOf(from, to.port);
}

/** Polls until `server` is a replica of the master on `masterPort` with its link up and its first sync done (`INFO replication`). */
export async function untilReplicaOf(server: RedisServer, masterPort: number) {
  const client = server.client();
  try {
    await vi.waitFor(
      async () => {
        const info = await replicationInfo(client);
        expect(info).toMatchObject({ role: 'slave', master_port: String(masterPort), master_link_status: 'up', master_sync_in_progress: '0' });
      },
      { timeout: SYNC_MS, interval: 100 },
    );
  } finally {
    client.disconnect();
  }
}

async function replicationInfo(client: Redis): Promise<Record<string, string>> {
  const lines = (await client.info('replication')).split(/\r?\n/);
  return Object.fromEntries(lines.filter((line) => line.includes(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]));
}
