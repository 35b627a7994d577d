import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The test files that start processes of their own (Chromium, redis-server, the standalone BFF,
 * the CLI, the demo) or pack the package: `npm run test:fast` (TEST_SET=fast) leaves them out.
 */
const SLOW_FILES = [
  'test/e2e/**',
  'test/package/package.test.ts',
  'test/package/readme.test.ts',
  'test/bff/cli-version.test.ts',
  'test/bff/session-refresh.test.ts',
  'test/bff/user-sessions-redis.test.ts',
  'test/bff/server.test.ts',
  'test/bff/redis-cluster.test.ts',
  'test/bff/redis-sentinel.test.ts',
  'test/bff/faults.test.ts',
];

/**
 * The files that take longest (8 s or more, most of it waiting on the processes they start), longest
 * first: they start first, and the short files fill the time they leave idle. Without timings cached
 * from an earlier run (a clean clone, CI) vitest would start the largest files first instead.
 */
const LONGEST_FIRST = [
  'test/package/package.test.ts',
  'test/e2e/demo.test.ts',
  'test/e2e/init-vite-app.test.ts',
  'test/e2e/demo-emulators.test.ts',
  'test/bff/redis-sentinel.test.ts',
  'test/bff/faults.test.ts',
  'test/bff/redis-cluster.test.ts',
  'test/bff/server.test.ts',
];
const ROOT = fileURLToPath(new URL('.', import.meta.url));
const DOM_PROJECT = 'dom';
/** A React file that renders on the server, with no page: it runs with the node files. */
const SERVER_RENDERING = 'test/client/ssr.test.tsx';

/**
 * The longest node files first; the DOM files queued third, after the first two. vitest hands a
 * worker the next file in the queue and keeps the worker only when that file is of the same project
 * (else it starts another process): so one worker takes the DOM files one after another while the
 * two others start on the longest node files, and jsdom is loaded once.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = LONGEST_FIRST.indexOf(file.moduleId.slice(ROOT.length));
      return index < 0 ? LONGEST_FIRST.length : index;
    };
    const sorted = (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
    const dom = sorted.filter((file) => file.project.name === DOM_PROJECT);
    const node = sorted.filter((file) => file.project.name !== DOM_PROJECT);
    return [...node.slice(0, 2), ...dom, ...node.slice(2)];
  }
}

// One config for the demo build (`vite build`, root demo/) and for the tests.
export default defineConfig({
  root: 'demo',
  plugins: [react()],
  // The demo and the examples import the package by its name, as an app would; here that name is the sources.
  resolve: { alias: [{ find: /^bff-auth\/(bff|client|client\/wechat)$/, replacement: `${ROOT}$1/index.ts` }] },
  build: { outDir: 'dist', emptyOutDir: true },
  test: {
    root: '.',
    globalSetup: ['test/global-setup.ts'],
    // Real servers, real Redis, real Chromium: give them room on a shared 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Three worker processes on two cores: the longest files spend much of their time waiting on
    // the processes they start (npm, Chromium, Redis), and with two workers a core sat idle then.
    // Four only slowed the type-check and the linter beside them (npm test).
    pool: 'forks',
    // Transformed modules kept on disk (node_modules/.experimental-vitest-cache, keyed by content and
    // config) for the next run: the workers skip the transforms, about 7 CPU-s of test:fast's 48.
    experimental: { fsModuleCache: true },
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
    exclude: [...configDefaults.exclude, ...(process.env.TEST_SET === 'fast' ? SLOW_FILES : [])],
    projects: [
      {
        extends: true,
        // The node tests leave no global state behind (each file closes its servers, restores its
        // clock and env), so a worker runs file after file without importing every module again.
        test: { name: 'node', include: ['test/**/*.test.ts', SERVER_RENDERING], environment: 'node', isolate: false },
      },
      {
        extends: true,
        // The DOM tests run file after file in one worker too (see LongestFirst): setup.ts resets the page and
        // the stubs after every test. In three workers their jsdom environments took 11 CPU-s, in one 6.5.
        test: { name: DOM_PROJECT, include: ['test/**/*.test.tsx'], exclude: [SERVER_RENDERING], environment: 'jsdom', isolate: false, setupFiles: ['test/client/setup.ts'] },
      },
    ],
  },
});
