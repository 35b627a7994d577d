// Loaded into each soak BFF process (`node --expose-gc --import`): answers the soak's "sample"
// message over the IPC channel with the process's heap after a full collection (used, and what V8
// holds for it), its memory outside the heap (Buffers and the like), its RSS and its active
// handles by kind (sockets, timers...). Bench-only: the product has no such route.
import process from 'node:process';

process.on('message', (message) => {
  if (message !== 'sample') return;
  globalThis.gc?.();
  const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
  const resources = {};
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
  process.send({ heapUsed, heapTotal, external, rss, resources });
});
