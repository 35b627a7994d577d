#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// The version needs no build: it is package.json's, next to this file in a clone and in an install.
if (['--version', '-v'].includes(process.argv[2] ?? '')) {
  console.log(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  process.exit(0);
}

// The built CLI; from a clone, `npm run build` writes it.
await import('../dist/bff/server/cli.js').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/bff/server/cli.js')) throw error;
  console.error('bff-auth: dist/ is missing. In a clone of the repository, run `npm run build` first.');
  process.exit(1);
});
