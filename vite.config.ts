import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// One config for the demo build (`vite build`, root demo/) and for the tests.
export default defineConfig({
  root: 'demo',
  plugins: [react()],
  // The demo imports the package by its name, as an app would; here that name is the sources.
  resolve: { alias: [{ find: /^bff-auth\/client$/, replacement: fileURLToPath(new URL('client/index.ts', import.meta.url)) }] },
  build: { outDir: 'dist', emptyOutDir: true },
  test: {
    root: '.',
    // Real servers, real Redis, real Chromium: give them room on a shared 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: { name: 'dom', include: ['test/**/*.test.tsx'], environment: 'jsdom' },
      },
    ],
  },
});
