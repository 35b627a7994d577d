// Loaded into a served process (NODE_OPTIONS=--import=...): on SIGUSR2 it fills old space with
// objects, drops three in four, collects, and prints what V8 holds for old space before and after.
import process from 'node:process';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const oldSpaceHeld = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').space_size;

process.on('SIGUSR2', () => {
  let kept = Array.from({ length: 400_000 }, (_, i) => ({ i, text: `x${i}`, pair: [i, i] }));
  // Twice: survivors of two collections live in old space.
  gc();
  gc();
  const filled = oldSpaceHeld();
  kept = kept.filter((_, i) => i % 4 === 0);
  gc();
  process.stdout.write(`heap-probe ${JSON.stringify({ filled, after: oldSpaceHeld(), kept: kept.length })}\n`);
});
