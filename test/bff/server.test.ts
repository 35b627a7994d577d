import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/bff.js';
import { ACME_PATHS, startAcmeEmulator, type AcmeEmulator } from '../../emulators/acme.js';
import { loginThrough, sessionIn } from '../support/provider-stack.js';
import { cli, EXIT_MS, exitWithin, killRunning, PROJECT_ROOT, ready, STARTUP_MS, track, type Child } from '../support/bff-process.js';

const SECRET = 'server-test-secret-0123456789-abcdefghij';
const INDEX_HTML = '<!doctype html><html><head><title>Test SPA</title></head><body><div id="root"></div></body></html>';
const APP_JS = 'console.log("test spa");\n';

/** Generous: "answered, not hung", on a noisy shared machine. */
const ANSWER_MS = 15_000;

const fetchJson = { 'x-csrf': '1' };
/** Loaded into the served process: on SIGUSR2 it fragments old space and reports what V8 gives back. */
const HEAP_PROBE = pathToFileURL(join(PROJECT_ROOT, 'test/support/heap-probe.mjs')).href;

/** A TCP server that accepts connections and never answers: a provider that hangs. */
async function startHangingServer(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return {
    port: address.port,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let dir: string;
let staticDir: string;
let hanging: Awaited<ReturnType<typeof startHangingServer>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bff-auth-server-'));
  staticDir = join(dir, 'public');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), INDEX_HTML);
  await writeFile(join(staticDir, 'assets', 'app.js'), APP_JS);
  hanging = await startHangingServer();
});

afterAll(async () => {
  killRunning();
  await hanging?.close();
  await rm(dir, { recursive: true, force: true });
});

const MIB = 1024 * 1024;

/** Has the heap probe fragment the served process's old space; resolves with how much of it V8 gave back. */
async function oldSpaceGivenBack(server: Child): Promise<number> {
  server.process.kill('SIGUSR2');
  const report = () => /heap-probe (.*)/.exec(server.stdout())?.[1];
  await expect.poll(report, { timeout: ANSWER_MS }).toBeDefined();
  const { filled, after } = JSON.parse(report() ?? '{}') as { filled: number; after: number };
  return filled - after;
}

/** Writes a config for `port` into the temp dir, with its secret as `${TEST_SECRET_VAR}`; resolves with its path. */
async function writeConfig(name: string, port: number, overrides: Record<string, unknown> = {}): Promise<string> {
  const path = join(dir, name);
  const config = {
    baseUrl: `http://127.0.0.1:${port}`,
    secrets: ['${TEST_SECRET_VAR}'],
    httpTimeoutMs: 1000,
    providers: [
      // Nothing listens on port 1; discovery is lazy, so the server still starts.
      { id: 'dev', type: 'oidc', name: 'Development', issuer: 'http://127.0.0.1:1', clientId: 'client', clientSecret: 'secret' },
      // Accepts the connection and never answers.
      { id: 'slow', type: 'oidc', issuer: `http://127.0.0.1:${hanging.port}`, clientId: 'client', clientSecret: 'secret' },
    ],
    ...overrides,
  };
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

const EXPECTED_PROVIDERS = [
  { id: 'dev', name: 'Development', type: 'oidc' },
  { id: 'slow', name: 'slow', type: 'oidc' },
];

describe('the standalone server (node bin/bff-auth.js serve)', () => {
  let server: Child;
  let origin: string;

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const config = await writeConfig('serve.json', port);
    server = cli(['serve', '--config', config, '--port', String(port), '--static', staticDir], { TEST_SECRET_VAR: SECRET, NODE_OPTIONS: `--import=${HEAP_PROBE}` });
    const response = await ready(server, origin);
    await response.body?.cancel();
  }, STARTUP_MS + 5000);

  afterAll(async () => {
    server.process.kill('SIGTERM');
    if ((await exitWithin(server, EXIT_MS)) === 'hung') server.process.kill('SIGKILL');
  });

  it('says where it listens, and lists the configured providers', async () => {
    expect(server.stdout()).toContain(`bff-auth listening on ${origin}`);
    const response = await fetch(`${origin}/auth/providers`, { headers: fetchJson });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(EXPECTED_PROVIDERS);
  });

  it('gives back old space as its objects die: every full collection compacts it', async () => {
    // Three in four of the probe's ~40 MiB died: without compaction V8 would hold nearly all of it still.
    expect(await oldSpaceGivenBack(server)).toBeGreaterThan(20 * MIB);
  });

  it('keeps the CSRF rule: no x-csrf header, 403 JSON', async () => {
    const response = await fetch(`${origin}/auth/providers`);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'csrf_required' });
  });

  it('answers an anonymous session', async () => {
    const response = await fetch(`${origin}/auth/session`, { headers: fetchJson });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ authenticated: false });
  });

  it('serves the static files of --static', async () => {
    const script = await fetch(`${origin}/assets/app.js`, { headers: { accept: '*/*' } });
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toBe(APP_JS);

    const root = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
    expect(root.status).toBe(200);
    expect(await root.text()).toBe(INDEX_HTML);
  });

  it('answers index.html for a client-side route that asks for HTML, so a reload works', async () => {
    const response = await fetch(`${origin}/settings/profile`, {
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toBe(INDEX_HTML);
  });

  it('answers 404, not index.html, for a missing asset that does not ask for HTML', async () => {
    for (const accept of ['*/*', 'application/javascript, */*;q=0.8', 'image/avif,image/webp,*/*']) {
      const response = await fetch(`${origin}/missing.js`, { headers: { accept } });
      expect(response.status, accept).toBe(404);
      expect(await response.text(), accept).not.toContain('Test SPA');
    }
    const json = await fetch(`${origin}/api/nothing-here`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    await json.body?.cancel();
  });

  it('answers a 404 page, not a redirect, for a login link naming no provider', async () => {
    const response = await fetch(`${origin}/auth/login/nope`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('Unknown sign-in provider');
    expect(page).toContain('unknown_provider');
    expect(page).not.toContain('Test SPA');
  });

  it('sends the user back with auth_error=provider_unavailable when the issuer is unreachable', async () => {
    const response = await fetch(`${origin}/auth/login/dev?returnTo=/settings`, { redirect: 'manual', signal: AbortSignal.timeout(ANSWER_MS) });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/settings?auth_error=provider_unavailable');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('sends the user back with auth_error=provider_unavailable when the issuer never answers (httpTimeoutMs)', async () => {
    const response = await fetch(`${origin}/auth/login/slow`, { redirect: 'manual', signal: AbortSignal.timeout(ANSWER_MS) });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/?auth_error=provider_unavailable');
  });

  it('writes no secret to its output', () => {
    expect(server.stdout() + server.stderr()).not.toContain(SECRET);
  });
});

describe('the standalone server with server.compactHeap: false', () => {
  it("keeps V8's default: old space whose objects mostly died is still held", async () => {
    const port = await freePort();
    const config = await writeConfig('no-compaction.json', port, { server: { compactHeap: false } });
    const server = cli(['serve', '--config', config, '--port', String(port)], { TEST_SECRET_VAR: SECRET, NODE_OPTIONS: `--import=${HEAP_PROBE}` });
    try {
      await (await ready(server, `http://127.0.0.1:${port}`)).body?.cancel();
      expect(await oldSpaceGivenBack(server)).toBeLessThan(10 * MIB);
    } finally {
      server.process.kill('SIGTERM');
      if ((await exitWithin(server, EXIT_MS)) === 'hung') server.process.kill('SIGKILL');
    }
  }, STARTUP_MS + ANSWER_MS);
});

describe('stopping the standalone server', () => {
  async function startOne(name: string): Promise<{ child: Child; origin: string }> {
    const port = await freePort();
    const config = await writeConfig(name, port);
    const child = cli(['serve', '--config', config, '--port', String(port)], { TEST_SECRET_VAR: SECRET });
    const origin = `http://127.0.0.1:${port}`;
    await (await ready(child, origin)).body?.cancel();
    return { child, origin };
  }

  it('exits with code 0 promptly on SIGTERM', async () => {
    const { child, origin } = await startOne('sigterm.json');
    child.process.kill('SIGTERM');
    expect(await exitWithin(child, EXIT_MS)).toBe(0);
    await expect(fetch(`${origin}/auth/providers`, { headers: fetchJson })).rejects.toThrow();
  }, STARTUP_MS + EXIT_MS);

  it('lets a request in flight finish before it exits on SIGTERM', async () => {
    const { child, origin } = await startOne('sigterm-in-flight.json');
    const before = hanging.connections();
    const inFlight = fetch(`${origin}/auth/login/slow`, { redirect: 'manual', signal: AbortSignal.timeout(ANSWER_MS) });
    // Wait until the login is waiting on the hanging issuer.
    const deadline = Date.now() + ANSWER_MS;
    while (hanging.connections() === before && Date.now() < deadline) await sleep(20);
    expect(hanging.connections()).toBeGreaterThan(before);
    child.process.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/?auth_error=provider_unavailable');
    expect(await exitWithin(child, EXIT_MS)).toBe(0);
  }, STARTUP_MS + EXIT_MS + ANSWER_MS);
});

describe('the standalone server with a config module (bff-auth.config.mjs)', () => {
  let emulator: AcmeEmulator;
  let server: Child;
  let origin: string;

  beforeAll(async () => {
    emulator = await startAcmeEmulator();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const endpoints = Object.fromEntries(Object.entries(ACME_PATHS).map(([key, path]) => [key, emulator.origin + path]));
    const config = join(dir, 'bff-auth.config.mjs');
    // What an app writes: its own platform imported, the environment read by the module, a logger of its own.
    await writeFile(
      config,
      `import { acmePlatform } from ${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'test/support/custom-platform.ts')).href)};

const log = (level) => (event, fields) => console.log(JSON.stringify({ from: 'the-module-logger', level, event, ...fields }));

export default {
  baseUrl: ${JSON.stringify(origin)},
  secrets: [process.env.TEST_SECRET_VAR],
  rateLimit: false,
  platforms: [acmePlatform],
  providers: [{ id: 'acme', type: 'acme-id', clientId: ${JSON.stringify(emulator.clientId)}, clientSecret: ${JSON.stringify(emulator.clientSecret)}, endpoints: ${JSON.stringify(endpoints)} }],
  logger: { info: log('info'), warn: log('warn'), error: log('error') },
  // Only the organisation's own people.
  onLogin: ({ user }) => user.email?.endsWith('@acme.example') ?? false,
};
`,
    );
    // The module imports the test's platform from its TypeScript source: the server runs under tsx too.
    server = cli(['serve', '--config', config, '--port', String(port)], { TEST_SECRET_VAR: SECRET }, 'sources');
    await (await ready(server, origin)).body?.cancel();
  }, STARTUP_MS + 5000);

  afterAll(async () => {
    server?.process.kill('SIGTERM');
    if (server && (await exitWithin(server, EXIT_MS)) === 'hung') server.process.kill('SIGKILL');
    await emulator?.close();
  });

  it("signs a user in through the module's own platform, and logs through the module's logger: functions pass through", async () => {
    const providers = await (await fetch(`${origin}/auth/providers`, { headers: fetchJson })).json();
    expect(providers).toEqual([{ id: 'acme', name: 'Acme ID', type: 'acme-id' }]);
    const stack = { idp: emulator, origin };
    const { location, browser } = await loginThrough(stack, 'acme');
    expect(location).toBe('/home');
    expect(await sessionIn(stack, browser)).toMatchObject({
      authenticated: true,
      user: { id: 'acme:424242', provider: 'acme', name: 'Acme Tester', email: 'tester@acme.example' },
    });
    expect(server.stdout()).toContain('"from":"the-module-logger","level":"info","event":"login.success","provider":"acme"');
    expect(server.stdout() + server.stderr()).not.toContain(SECRET);
  });

  it("refuses a user the module's onLogin refuses: access_denied and no session", async () => {
    const stack = { idp: emulator, origin };
    const mail = emulator.user.mail;
    emulator.user.mail = 'someone@elsewhere.example';
    try {
      const { location, browser } = await loginThrough(stack, 'acme');
      expect(location).toBe('/home?auth_error=access_denied');
      expect(await sessionIn(stack, browser)).toEqual({ authenticated: false });
      expect(server.stdout()).toContain('"event":"login.failure","provider":"acme","code":"access_denied","reason":"onLogin_refused"');
    } finally {
      emulator.user.mail = mail;
    }
  });
});

describe('the standalone server refuses a config module it cannot use', () => {
  it.each([
    ['no-default.mjs', 'export const config = {};', 'has no default export'],
    ['broken.mjs', `export default { secrets: ['${SECRET}' }`, 'cannot be loaded (SyntaxError'],
  ])('%s: exit 1, naming the file, quoting none of it', async (name, source, reason) => {
    const config = join(dir, name);
    await writeFile(config, source);
    const child = cli(['serve', '--config', config, '--port', String(await freePort())]);
    expect(await exitWithin(child, STARTUP_MS)).toBe(1);
    expect(child.stderr()).toContain(`${config}: ${reason}`);
    expect(child.stderr()).not.toContain(SECRET);
  }, STARTUP_MS + 5000);
});

describe('the standalone server refuses to start on a bad command line or config', () => {
  it('a config with a bad field: exit 1, and stderr names the field', async () => {
    const port = await freePort();
    const config = await writeConfig('bad-field.json', port, { baseUrl: `http://app.example.com` });
    const child = cli(['serve', '--config', config, '--port', String(port)], { TEST_SECRET_VAR: SECRET });
    expect(await exitWithin(child, STARTUP_MS)).toBe(1);
    expect(child.stderr()).toContain('Invalid bff-auth config');
    expect(child.stderr()).toMatch(/baseUrl: must be https/);
    expect(child.stderr()).not.toContain(SECRET);
  }, STARTUP_MS + 5000);

  it('a config whose environment variable is not set: exit 1, naming the field and the variable', async () => {
    const port = await freePort();
    const config = await writeConfig('no-env.json', port);
    const child = cli(['serve', '--config', config, '--port', String(port)], { TEST_SECRET_VAR: undefined });
    expect(await exitWithin(child, STARTUP_MS)).toBe(1);
    expect(child.stderr()).toContain('secrets.0: environment variable TEST_SECRET_VAR is not set');
  }, STARTUP_MS + 5000);

  it('a config file that does not exist: exit 1, naming the file', async () => {
    const missing = join(dir, 'no-such-config.json');
    const child = cli(['serve', '--config', missing]);
    expect(await exitWithin(child, STARTUP_MS)).toBe(1);
    expect(child.stderr()).toContain(missing);
  }, STARTUP_MS + 5000);

  it('no --config: exit 1 with the usage', async () => {
    const child = cli(['serve']);
    expect(await exitWithin(child, STARTUP_MS)).toBe(1);
    expect(child.stderr()).toContain('--config FILE is required');
    expect(child.stderr()).toContain('Usage: bff-auth serve --config FILE');
  }, STARTUP_MS + 5000);

  it('no command: exit 1 with the usage', async () => {
    const child = cli([]);
    expect(await exitWithin(child, STARTUP_MS)).toBe(1);
    expect(child.stderr()).toContain('Usage: bff-auth serve --config FILE');
  }, STARTUP_MS + 5000);
});

describe('npm run serve -- --config FILE', () => {
  it('starts the same server from the project root', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const config = await writeConfig('npm.json', port);
    const child = track(
      spawn('npm', ['run', '--silent', 'serve', '--', '--config', config, '--port', String(port), '--static', staticDir], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, TEST_SECRET_VAR: SECRET },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so that npm, the shell and node are all stopped together.
        detached: true,
      }),
    );
    try {
      const response = await ready(child, origin);
      expect(await response.json()).toEqual(EXPECTED_PROVIDERS);
      const page = await fetch(`${origin}/settings/profile`, { headers: { accept: 'text/html' } });
      expect(await page.text()).toBe(INDEX_HTML);
    } finally {
      if (child.process.pid !== undefined) {
        try {
          process.kill(-child.process.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      if ((await exitWithin(child, EXIT_MS)) === 'hung' && child.process.pid !== undefined) process.kill(-child.process.pid, 'SIGKILL');
    }
  }, STARTUP_MS + EXIT_MS + 5000);
});
