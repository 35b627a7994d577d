import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { exitWithin, track, type Child } from './bff-process.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const START_MS = 15_000;

/**
 * A redis-server of the test's own on a loopback port, never the shared one at
 * 6379, so a test can stop and start it. Every write is on disk (AOF, fsync
 * always) under `root`, so a restart keeps what was written, as a production Redis would.
 */
export interface RedisServer {
  port: number;
  url: string;
  /** Kills the process (SIGKILL: no goodbye) and waits for it to be gone. */
  kill: () => Promise<void>;
  /** Starts it again on the same port with the same data. */
  restart: () => Promise<void>;
  /** Stops the process where it stands (SIGSTOP), as a stalled host would; the function returned lets it go on (SIGCONT). */
  freeze: () => () => void;
  /** A client of this server alone (close it with `quit`). */
  client: () => Redis;
  /** What the process has printed (its log), for a failure's message. */
  log: () => string;
}

export async function startRedisServer(port: number, root: string, extraArgs: string[] = []): Promise<RedisServer> {
  const dir = join(root, `redis-${port}`);
  await mkdir(dir, { recursive: true });
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', 'yes',
    '--appendfsync', 'always',
    '--protected-mode', 'no',
    // A replica's full sync starts at once: by default the master waits 5 s for more replicas to share it.
    '--repl-diskless-sync-delay', '0',
    ...extraArgs,
  ];
  return startRedisProcess(port, dir, args);
}

/**
 * A Redis Sentinel on `port` watching the master at `masterPort` as `name`, deciding alone (quorum 1)
 * after 3 s of silence: at 1 s, a second without the CPU on a loaded two-core machine could be read
 * as a master down, and a failover no test asked for would swap the roles a test had just read.
 */
export async function startRedisSentinel(port: number, root: string, name: string, masterPort: number): Promise<RedisServer> {
  const dir = join(root, `sentinel-${port}`);
  await mkdir(dir, { recursive: true });
  const config = join(dir, 'sentinel.conf');
  await writeFile(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
      `sentinel down-after-milliseconds ${name} 3000`,
      `sentinel failover-timeout ${name} 5000`,
    ].join('\n'),
  );
  return startRedisProcess(port, dir, [config, '--sentinel']);
}

async function startRedisProcess(port: number, dir: string, args: string[]): Promise<RedisServer> {
  let child: Child;
  const start = async () => {
    child = track(spawn(REDIS_SERVER, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }));
    await untilAnswers(port, child);
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: async () => {
      child.process.kill('SIGKILL');
      await child.exited;
    },
    restart: start,
    freeze: () => {
      child.process.kill('SIGSTOP');
      return () => void child.process.kill('SIGCONT');
    },
    client: () => new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 }),
    log: () => child.stdout() + child.stderr(),
  };
}

async function untilAnswers(port: number, child: Child) {
  const deadline = Date.now() + START_MS;
  while (Date.now() < deadline) {
    if ((await exitWithin(child, 0)) !== 'hung') throw new Error(`redis-server on ${port} exited:\n${child.stdout()}${child.stderr()}`);
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    const answered = await probe
      .connect()
      .then(() => probe.ping())
      .then(
        () => true,
        () => false,
      );
    probe.disconnect();
    if (answered) return;
    await sleep(50);
  }
  throw new Error(`redis-server on ${port} did not answer within ${START_MS} ms`);
}
