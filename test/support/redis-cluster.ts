import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { startRedisServer, type RedisServer } from './redis-server.js';

const run = promisify(execFile);
const READY_MS = 30_000;
/** Redis Cluster's bus port is the client port plus this. */
const BUS_OFFSET = 10_000;

/** A Redis Cluster of redis-server processes on loopback ports: three masters, each with one replica. */
export interface RedisClusterUnderTest {
  nodes: RedisServer[];
  /** `redis://` URLs of every node. */
  urls: string[];
  /** The node that is master for `key`'s hash slot now. */
  masterOf: (key: string) => Promise<RedisServer>;
  stop: () => Promise<void>;
}

export async function startRedisCluster(root: string): Promise<RedisClusterUnderTest> {
  const ports: number[] = [];
  while (ports.length < 6) {
    const port = 20_000 + Math.floor(Math.random() * 9_000);
    if (!ports.includes(port) && (await isFree(port)) && (await isFree(port + BUS_OFFSET))) ports.push(port);
  }
  const nodes = await Promise.all(
    ports.map((port) =>
      startRedisServer(port, root, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1000']),
    ),
  );
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.kill()));
  };
  try {
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes']);
    const cluster: RedisClusterUnderTest = {
      nodes,
      urls: nodes.map((node) => node.url),
      masterOf: async (key) => {
        const slot = Number(await cli(ports[0]!, 'CLUSTER', 'KEYSLOT', key));
        for (const node of nodes) if (await servesSlot(node.port, slot)) return node;
        throw new Error(`no master serves slot ${slot}`);
      },
      stop,
    };
    await settled(ports);
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resolves once every node reports the cluster ok (every slot served). */
async function settled(ports: number[]) {
  const deadline = Date.now() + READY_MS;
  for (;;) {
    const states = await Promise.all(ports.map((port) => cli(port, 'CLUSTER', 'INFO')));
    if (states.every((info) => info.includes('cluster_state:ok'))) return;
    if (Date.now() > deadline) throw new Error(`the cluster did not settle:\n${states.join('\n')}`);
    await sleep(100);
  }
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args]);
  return stdout.trim();
}

/** Whether the node on `port` is a master serving `slot`, by its own line of `CLUSTER NODES`; false when it is down. */
async function servesSlot(port: number, slot: number): Promise<boolean> {
  const nodes = await cli(port, 'CLUSTER', 'NODES').catch(() => '');
  const myself = nodes.split('\n').find((line) => line.split(' ')[2]?.includes('myself'));
  if (!myself?.split(' ')[2]?.includes('master')) return false;
  const ranges = myself.split(' ').slice(8);
  return ranges.some((range) => {
    const [start, end = start] = range.split('-').map(Number);
    return slot >= start! && slot <= end!;
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
