/**
 * The entry of every bench child process: starts the role named by BENCH_ROLE
 * with the JSON options in BENCH_OPTIONS, reports `{ ready: url }`, then answers
 * the parent's commands: its own CPU time, a CPU profile, and the role's commands.
 */
import { ROLE_LOADERS, type RoleName, type Served } from '../servers/roles.js';
import { CpuProfiler } from './profile.js';

const role = process.env.BENCH_ROLE as RoleName;
const start = (await ROLE_LOADERS[role]()) as (options: unknown) => Promise<Served>;
const served = await start(JSON.parse(process.env.BENCH_OPTIONS ?? '{}'));
const profiler = new CpuProfiler();

const commands: Record<string, (argument: never) => unknown> = {
  cpuMicros: () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  },
  profileStart: () => profiler.start(),
  profileStop: () => profiler.stop(),
  ...served.commands,
};

async function answer({ id, command, argument }: { id: number; command: string; argument: never }) {
  try {
    const run = commands[command];
    if (!run) throw new Error(`unknown command ${command}`);
    process.send?.({ id, result: await run(argument) });
  } catch (error) {
    process.send?.({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
process.on('message', (message: Parameters<typeof answer>[0]) => void answer(message));

const shutdown = () => void Promise.resolve(served.close?.()).finally(() => process.exit(0));
process.once('SIGTERM', shutdown);
// The parent is gone: do not linger.
process.once('disconnect', shutdown);
process.send?.({ ready: served.url });
