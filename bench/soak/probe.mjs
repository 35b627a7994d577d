// Loaded into each soak BFF process (`node --expose-gc --import`): answers the soak's "sample"
// message over the IPC channel with the process's heap after a full collection (used, and what V8
// holds for it, in all and by space), its memory outside the heap (Buffers and the like), its RSS
// and its active handles by kind (sockets, timers...). Bench-only: the product has no such route.
import process from 'node:process';
import { getHeapSpaceStatistics } from 'node:v8';

/** V8's spaces by the names the report uses; the large-object spaces are left in the heap's total. */
const SPACES = { new_space: 'new', old_space: 'old', code_space: 'code' };

process.on('message', (message) => {
  if (message !== 'sample') return;
  globalThis.gc?.();
  const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
  const held = {};
  for (const { space_name, space_size } of getHeapSpaceStatistics()) if (SPACES[space_name]) held[SPACES[space_name]] = space_size;
  const resources = {};
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
  process.send({ heapUsed, heapTotal, held, external, rss, resources });
});
