import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/bff-process.js';

const run = promisify(execFile);
const { version } = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };

describe('npx bff-auth --version', () => {
  it.each(['--version', '-v'])('%s prints the package version and exits 0', async (flag) => {
    const { stdout, stderr } = await run(process.execPath, ['bin/bff-auth.js', flag], { cwd: PROJECT_ROOT });
    expect(stdout).toBe(`${version}\n`);
    expect(stderr).toBe('');
  });
});
