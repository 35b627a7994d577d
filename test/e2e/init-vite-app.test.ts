/**
 * `bff-auth init` as a new user runs it (issue #18): a fresh `npm create vite` React-TS app from the
 * registry, `init --install` from the packed package (one install: the tarball and the registry), the
 * AuthProvider snippet applied, then the app's own `npm run build` (tsc -b: strict, server.ts
 * included) and a sign-in through the development provider in Chromium, with `npm run server` and
 * `npm run dev` side by side as the README runs them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevProvider, type DevProvider } from '../../demo/dev-provider.js';
import { freePort } from '../support/bff.js';
import { CHROMIUM_SKIP_NOTICE, hasChromium, sharedChromium, signInThroughDevProvider } from '../support/chromium.js';
import { packBuild, sh, type PackResult } from '../package/scratch.js';

/** Packing may build the library; create-vite and one install come from the registry (the npm cache helps). */
const SLOW = 600_000;
/** The app's two processes and Chromium: up in seconds, so a wait that goes on names what did not start. */
const STARTED = 120_000;
const SOON = { timeout: 15_000 };
/** One `npx` command: npm starts, then the CLI; a second npm test beside took it past vitest's 30 s. */
const ONE_COMMAND = 120_000;
const CLIENT = { clientId: 'init-app', clientSecret: 'init-app-secret-0123456789-abcdefghij' };
/**
 * npm, quiet and without prompts; the cache first. Without colours: Vite colours the port of the
 * address it prints when `CI` is set, and `start` below waits for that address as plain text.
 */
const NPM_ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_prefer_offline: 'true', NO_COLOR: '1' };

if (!hasChromium) console.warn(CHROMIUM_SKIP_NOTICE);

/** What the printed snippet says to do: the app wrapped in AuthProvider, and a component that signs in and out. */
const MAIN = `import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { AuthProvider } from 'bff-auth/client'
import App from './App.tsx'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider>
      <App />
    </AuthProvider>
  </StrictMode>,
)
`;
const APP = `import { useEffect, useState } from 'react'
import { LoginButton, useAuth, useAuthFetch } from 'bff-auth/client'

export default function App() {
  const { user, logout } = useAuth()
  return user ? (
    <>
      <button onClick={() => void logout()}>Sign out {user.name}</button>
      <Me />
    </>
  ) : (
    <LoginButton provider="oidc" />
  )
}

/** server.ts's GET /api/me, through Vite's proxy. */
function Me() {
  const authFetch = useAuthFetch()
  const [answer, setAnswer] = useState('')
  useEffect(() => {
    authFetch('/api/me')
      .then((response) => response.json())
      .then((body: { user: { name: string } }) => setAnswer(\`The server says you are \${body.user.name}\`))
      .catch((failure: Error) => setAnswer(failure.message))
  }, [authFetch])
  return <p>{answer}</p>
}
`;

/** A command of the app's own (npm run ...), in its own process group so that it and its children can be ended. */
function start(app: string, args: string[], env: NodeJS.ProcessEnv, ready: (output: string) => boolean): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn('npm', args, { cwd: app, env: { ...NPM_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const started = new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready(output)) resolve();
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`npm ${args.join(' ')} exited (${code}):\n${output}`)));
  });
  return { child, ready: started, output: () => output };
}

const stop = (child: ChildProcess | undefined) => {
  if (child?.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
};

describe('npx bff-auth init into a fresh npm create vite React-TS app', () => {
  let pack: PackResult;
  let root: string;
  let app: string;
  let firstRun: string;

  beforeAll(async () => {
    pack = await packBuild();
    root = await mkdtemp(join(tmpdir(), 'bff-auth-init-app-'));
    await sh('npm', ['create', '--yes', 'vite@latest', 'app', '--', '--template', 'react-ts', '--no-interactive'], { cwd: root, env: NPM_ENV });
    app = join(root, 'app');
    // bff-auth from the tarball rather than the registry: init keeps a dependency already listed.
    const pkg = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    pkg.dependencies['bff-auth'] = `file:${pack.tarball}`;
    await writeFile(join(app, 'package.json'), JSON.stringify(pkg, null, 2));
    // `npx bff-auth init` as a user runs it, the package fetched into npx's cache (the tarball in
    // place of the registry's copy), then the one install into the app: --install.
    firstRun = await sh('npm', ['exec', '--yes', `--package=${pack.tarball}`, '--', 'bff-auth', 'init', '--providers', 'oidc', '--install'], {
      cwd: app,
      env: NPM_ENV,
    });
    await writeFile(join(app, 'src/main.tsx'), MAIN);
    await writeFile(join(app, 'src/App.tsx'), APP);
  }, SLOW);

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    if (pack) await rm(pack.workDir, { recursive: true, force: true });
  });

  it('writes server.ts, the Vite proxy, the scripts and .env, and says what to register', async () => {
    expect(firstRun).toMatch(/created +server\.ts/);
    expect(firstRun).toMatch(/updated +vite\.config\.ts +the dev proxy for \/auth and \/api/);
    expect(firstRun).toMatch(/updated +package\.json +scripts: server; dependencies: express, @tanstack\/react-query; devDependencies: tsx, @types\/express/);
    expect(firstRun).toContain('oidc: the redirect URI http://localhost:5173/auth/callback/oidc');
    expect(firstRun).not.toContain('Install what package.json now lists');
    expect(await readFile(join(app, '.env'), 'utf8')).toMatch(/^SESSION_SECRET=[\w-]{43}$/m);
  });

  it('type-checks strictly, every declaration read: the app, vite.config.ts and server.ts', async () => {
    expect(await readFile(join(app, 'tsconfig.node.json'), 'utf8')).toContain('"server.ts"');
    // The template's own `tsc -b` with skipLibCheck off: what `npm run build` checks, and every
    // declaration file the app and server.ts read, bff-auth's and express's included.
    for (const project of ['tsconfig.app.json', 'tsconfig.node.json']) {
      await sh('npx', ['tsc', '-p', project, '--strict', '--skipLibCheck', 'false'], { cwd: app, env: NPM_ENV });
    }
  }, SLOW);

  it('changes nothing when run again, now from the installed package', async () => {
    const out = await sh('npx', ['bff-auth', 'init', '--providers', 'oidc'], { cwd: app, env: NPM_ENV });
    expect(out).toContain('Nothing to change: the app is set up already.');
  }, ONE_COMMAND);

  describe.skipIf(!hasChromium)('in Chromium: npm run server and npm run dev, signed in through the development provider', () => {
    let devProvider: DevProvider;
    let server: ReturnType<typeof start>;
    let vite: ReturnType<typeof start>;
    let browser: Browser;
    let base: string;

    beforeAll(async () => {
      const [vitePort, serverPort] = [await freePort(), await freePort()];
      base = `http://localhost:${vitePort}`;
      devProvider = await startDevProvider({
        clients: [{ ...CLIENT, redirectUris: [`${base}/auth/callback/oidc`], postLogoutRedirectUris: [`${base}/`] }],
      });
      // Step 2 of what init printed: fill in .env.
      const env = await readFile(join(app, '.env'), 'utf8');
      const filled = { OIDC_ISSUER: devProvider.issuer, OIDC_CLIENT_ID: CLIENT.clientId, OIDC_CLIENT_SECRET: CLIENT.clientSecret };
      await writeFile(join(app, '.env'), env.replace(/^(OIDC_\w+)=$/gm, (line, name: keyof typeof filled) => `${name}=${filled[name]}`));
      const ports = { PORT: String(serverPort), BASE_URL: base, NODE_ENV: 'development' };
      server = start(app, ['run', 'server'], ports, (output) => output.includes('API and auth on'));
      vite = start(app, ['run', 'dev', '--', '--port', String(vitePort), '--host', '127.0.0.1'], ports, (output) => output.includes(`:${vitePort}/`));
      await Promise.all([server.ready, vite.ready]);
      browser = await sharedChromium();
    }, STARTED);

    afterAll(async () => {
      await browser?.close();
      stop(vite?.child);
      stop(server?.child);
      await devProvider?.close();
    });

    it('signs in, calls /api/me through the proxy, and signs out', async () => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(base);
      const signIn = page.getByRole('button', { name: 'Sign in with Single sign-on' });
      await signInThroughDevProvider(page, 'Sign in with Single sign-on', devProvider.issuer, base);
      await expect.poll(() => page.getByText('The server says you are Ada').isVisible(), SOON).toBe(true);
      expect(server.output()).toContain('"event":"login.success"');

      await page.getByRole('button', { name: 'Sign out Ada' }).click();
      await page.waitForURL((url) => url.origin === devProvider.issuer, SOON);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.waitForURL((url) => url.origin === base, SOON);
      await expect.poll(() => signIn.isVisible(), SOON).toBe(true);
    }, SLOW);
  });
});
