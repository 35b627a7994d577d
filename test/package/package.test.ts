/**
 * The package as an adopter installs it (issues #10, #18): `npm pack` of the build, the tarball's
 * contents, publint and attw, `npm install` from the registry into projects with React 18 and 19,
 * a strict type-check (skipLibCheck off) of a consumer and of the example app with the newest
 * TypeScript and the oldest one the README claims, the entry points at run time, and the example
 * app (examples/vite-react-express, Vite's dev server in front of its Express server) in Chromium.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevProvider, type DevProvider } from '../../demo/dev-provider.js';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github.js';
import { freePort } from '../support/bff.js';
import { CHROMIUM_SKIP_NOTICE, hasChromium, sharedChromium, signInThroughDevProvider } from '../support/chromium.js';
import { PROJECT_ROOT, installedProject, packBuild, sh, typecheck, type Compiler, type PackResult } from './scratch.js';

/** Packing may build the whole library (see packBuild); installing reaches the registry; skipLibCheck off reads every declaration file. */
const SLOW = 240_000;
const SOON = { timeout: 15_000 };

/** The oldest TypeScript release the README promises the types work with. */
const OLDEST_TYPESCRIPT = /TypeScript (\d+\.\d+) or newer/.exec(await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8'))?.[1];

let pack: PackResult;
let react19: string;
let react18: string;

/**
 * What each compiler checks: the example app (with users/, the README's "Your users" snippets) and the consumer file. The oldest TypeScript leaves
 * out vite.config.ts, whose plugin's own declarations need a newer compiler than bff-auth does.
 */
const TSCONFIGS: Record<Compiler, string[]> = {
  typescript: ['server.ts', 'vite.config.ts', 'src', 'users', 'api-usage.tsx'],
  'typescript-oldest': ['server.ts', 'src', 'users', 'api-usage.tsx'],
};

beforeAll(async () => {
  if (!OLDEST_TYPESCRIPT) throw new Error('README.md names no "TypeScript X.Y or newer"');
  pack = await packBuild();
  react19 = await installedProject(pack, 19, OLDEST_TYPESCRIPT);
  react18 = await installedProject(pack, 18, OLDEST_TYPESCRIPT, react19);
  for (const project of [react19, react18]) {
    for (const [compiler, include] of Object.entries(TSCONFIGS)) {
      // skipDefaultLibCheck: TypeScript's own lib files (lib.dom.d.ts...) ship with the compiler, not
      // with any package; checking them again took the oldest TypeScript a fifth of each check.
      // Every other declaration file, bff-auth's and its dependencies', is still checked.
      const compilerOptions = { skipDefaultLibCheck: true };
      await writeFile(join(project, `tsconfig.${compiler}.json`), JSON.stringify({ extends: './tsconfig.json', include, compilerOptions }));
    }
  }
}, SLOW);

afterAll(async () => {
  if (pack) await rm(pack.workDir, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the built code with its types, the bin, the README and the design document it cites', () => {
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'docs/design.md', 'bin/bff-auth.js', 'dist/bff/server/cli.js']) {
      expect(pack.files).toContain(needed);
    }
    for (const entry of ['shared', 'bff', 'client', 'client/wechat']) {
      expect(pack.files).toContain(`dist/${entry}/index.js`);
      expect(pack.files).toContain(`dist/${entry}/index.d.ts`);
    }
  });

  it('ships no sources, source maps, tests, demo or examples', () => {
    const unwanted = pack.files.filter(
      (path) => /\.map$|\.tsx?$/.test(path.replace(/\.d\.ts$/, '')) || /^(test|demo|examples|bench|dist\/(test|demo))\//.test(path),
    );
    expect(unwanted).toEqual([]);
  });

  it('keeps the declarations small: no component type spelling out every prop of React', async () => {
    const loginButton = await readFile(join(react19, 'node_modules/bff-auth/dist/client/LoginButton.d.ts'), 'utf8');
    expect(loginButton.length).toBeLessThan(2000);
  });

  it('cites only documents that are in the package', async () => {
    const declarations = pack.files.filter((path) => path.endsWith('.d.ts'));
    const texts = await Promise.all(declarations.map((path) => readFile(join(react19, 'node_modules/bff-auth', path), 'utf8')));
    const cited = new Set(texts.flatMap((text) => [...text.matchAll(/\b([\w./-]+\.md)\b/g)].map((match) => match[1]!)));
    expect([...cited].filter((path) => !pack.files.includes(path))).toEqual([]);
  });

  it('passes publint with no errors or warnings', async () => {
    const tarball = await readFile(pack.tarball);
    const { messages, pkg } = await publint({ pack: { tarball: new Uint8Array(tarball).buffer }, level: 'warning' });
    expect(messages.map((message) => formatMessage(message, pkg))).toEqual([]);
  });

  it('passes attw (are the types wrong) for ESM: node16 and bundler resolution', async () => {
    const attw = join(PROJECT_ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    // Exits non-zero, with its table as the error, when any entry point has a problem.
    await sh(process.execPath, [attw, pack.tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'ascii', '--no-color'], {
      cwd: pack.workDir,
    });
  }, SLOW);
});

describe('installed in a strict TypeScript project (skipLibCheck off, exactOptionalPropertyTypes on)', () => {
  it('resolves the dependencies a user gets today, not this repository\'s locked ones', async () => {
    const installed = JSON.parse(await sh('npm', ['ls', '--json', 'typescript', 'typescript-oldest', '@types/react'], { cwd: react18 })) as {
      dependencies: Record<string, { version: string }>;
    };
    expect(installed.dependencies['typescript-oldest']?.version.startsWith(`${OLDEST_TYPESCRIPT}.`)).toBe(true);
    expect(installed.dependencies['@types/react']?.version.startsWith('18.')).toBe(true);
    expect(Number(installed.dependencies.typescript?.version.split('.')[0])).toBeGreaterThanOrEqual(7);
  });

  it.each([
    ['React 19', 'the newest TypeScript', () => react19, 'typescript'],
    ['React 18', 'the newest TypeScript', () => react18, 'typescript'],
    ['React 19', 'the oldest TypeScript', () => react19, 'typescript-oldest'],
    ['React 18', 'the oldest TypeScript', () => react18, 'typescript-oldest'],
  ] as const)('the example app and the documented API compile against %s types with %s', async (_, __, project, compiler) => {
    await typecheck(project(), `tsconfig.${compiler}.json`, compiler);
  }, SLOW);
});

describe('installed, at run time', () => {
  it('bff-auth, bff-auth/bff and bff-auth/client import in Node', async () => {
    const script = `
      const root = await import('bff-auth');
      const bff = await import('bff-auth/bff');
      const client = await import('bff-auth/client');
      console.log(JSON.stringify({ root: typeof root.ROUTES, bff: typeof bff.createAuthBff, client: typeof client.AuthProvider, error: typeof client.AuthClientError }));`;
    const out = await sh(process.execPath, ['--input-type=module', '-e', script], { cwd: react19 });
    expect(JSON.parse(out)).toEqual({ root: 'object', bff: 'function', client: 'function', error: 'function' });
  });

  it('bff-auth --help exits 0 with the usage', async () => {
    const out = await sh(process.execPath, ['node_modules/bff-auth/bin/bff-auth.js', '--help'], { cwd: react19 });
    expect(out).toContain('Usage: bff-auth serve --config FILE');
  });
});

if (!hasChromium) console.warn(CHROMIUM_SKIP_NOTICE);

describe.skipIf(!hasChromium)('the example app in Chromium, in development: Vite in front, server.ts behind', () => {
  const CLIENT = { clientId: 'example-app', clientSecret: 'example-secret-0123456789-abcdefghij' };
  let devProvider: DevProvider;
  let github: GitHubEmulator;
  let server: ChildProcess;
  let vite: ViteDevServer;
  let browser: Browser;
  let base: string;
  /** What server.ts printed: its start line and the BFF's JSON log lines. */
  let output = '';

  beforeAll(async () => {
    const [vitePort, serverPort] = [await freePort(), await freePort()];
    base = `http://localhost:${vitePort}`;
    devProvider = await startDevProvider({
      clients: [{ ...CLIENT, redirectUris: [`${base}/auth/callback/corp`], postLogoutRedirectUris: [`${base}/`] }],
    });
    github = await startGitHubEmulator();
    // As the README says: `npm run server` and `npm run dev`, sharing PORT.
    server = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
      cwd: react19,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        PORT: String(serverPort),
        BASE_URL: base,
        SESSION_SECRET: 'example-session-secret-0123456789-abcdef',
        OIDC_ISSUER: devProvider.issuer,
        OIDC_CLIENT_ID: CLIENT.clientId,
        OIDC_CLIENT_SECRET: CLIENT.clientSecret,
        // The GitHub emulator is laid out like Enterprise Server.
        GITHUB_CLIENT_ID: github.clientId,
        GITHUB_CLIENT_SECRET: github.clientSecret,
        GITHUB_SERVER_URL: github.origin,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('API and auth on')) resolve();
      });
      server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      server.once('exit', (code) => reject(new Error(`server.ts exited (${code}):\n${output}`)));
    });
    const port = process.env.PORT;
    process.env.PORT = String(serverPort);
    try {
      vite = await createServer({
        root: react19,
        configFile: join(react19, 'vite.config.ts'),
        server: { port: vitePort, host: '127.0.0.1' },
        logLevel: 'error',
        clearScreen: false,
      });
      await vite.listen();
    } finally {
      if (port === undefined) delete process.env.PORT;
      else process.env.PORT = port;
    }
    browser = await sharedChromium();
  }, SLOW);

  afterAll(async () => {
    await browser?.close();
    await vite?.close();
    server?.kill('SIGTERM');
    await devProvider?.close();
    await github?.close();
  });

  const addressBar = (page: Page) => page.evaluate(() => location.href);

  it('signs in at the provider, calls the protected API, and signs out', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(base);
    const signIn = page.getByRole('button', { name: 'Sign in with Corp SSO' });
    await signInThroughDevProvider(page, 'Sign in with Corp SSO', devProvider.issuer, base);
    await expect.poll(() => page.getByText('The server says you are Ada').isVisible(), SOON).toBe(true);
    // Vite's proxy kept the browser's Host header: the login went straight through, with no detour via baseUrl.
    expect(output).toContain('"event":"login.success"');
    expect(output).not.toContain('login.host_mismatch');

    // "Connect GitHub": a link login; the session keeps Ada and now calls GitHub's API with GitHub's token.
    await page.getByRole('button', { name: 'Connect GitHub' }).click();
    await expect.poll(() => page.getByText('GitHub connected').isVisible(), SOON).toBe(true);
    await expect.poll(() => page.getByText('The server says you are Ada').isVisible(), SOON).toBe(true);
    const viaProxy = await page.evaluate(async () => (await fetch('/api/github/user', { headers: { 'x-csrf': '1' } })).json() as Promise<{ login: string }>);
    expect(viaProxy.login).toBe(github.user.login);

    await page.getByRole('button', { name: 'Sign out Ada' }).click();
    await page.waitForURL((url) => url.origin === devProvider.issuer, SOON);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL((url) => url.origin === base, SOON);
    await expect.poll(() => page.getByRole('status').textContent(), SOON).toBe('You are signed out.');
    expect(new URL(await addressBar(page)).search).toBe('');
    await expect.poll(() => signIn.isVisible(), SOON).toBe(true);
  }, SLOW);
});
