#!/usr/bin/env node
// The built CLI; from a clone, `npm run build` writes it.
await import('../dist/bff/server/cli.js').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/bff/server/cli.js')) throw error;
  console.error('bff-auth: dist/ is missing. In a clone of the repository, run `npm run build` first.');
  process.exit(1);
});
