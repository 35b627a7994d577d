/**
 * `bff-auth init` on a copy of create-vite's react-ts template: what it writes, what it leaves
 * alone, what it prints. The template from the registry, installed, type-checked and signed in
 * through in Chromium, is test/e2e/init-vite-app.test.ts.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../bff/config/resolve.js';
import { runInit } from '../../bff/init/command.js';
import { INIT_PROVIDER_TYPES, parseProviders } from '../../bff/init/providers.js';

/** The files of `npm create vite@latest app -- --template react-ts` (create-vite 9.3.0) that init reads. */
const TEMPLATE: Record<string, string> = {
  'package.json': `{
  "name": "app",
  "private": true,
  "version": "0.0.0",
  "type": "module",
  "scripts": {
    "dev": "vite",
    "build": "tsc -b && vite build",
    "lint": "oxlint",
    "preview": "vite preview"
  },
  "dependencies": {
    "react": "^19.3.1",
    "react-dom": "^19.3.1"
  },
  "devDependencies": {
    "@types/node": "^24.19.2",
    "@types/react": "^19.3.0",
    "@types/react-dom": "^19.3.0",
    "@vitejs/plugin-react": "^6.1.2",
    "oxlint": "^1.88.0",
    "typescript": "~7.0.2",
    "vite": "^8.3.4"
  }
}
`,
  'vite.config.ts': `import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// https://vite.dev/config/
export default defineConfig({
  plugins: [react()],
})
`,
  'tsconfig.node.json': `{
  "compilerOptions": {
    "types": ["node"],
    "module": "nodenext",
    "noEmit": true
  },
  "include": ["vite.config.ts"]
}
`,
  'src/main.tsx': `import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './index.css'
import App from './App.tsx'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
`,
  '.gitignore': 'node_modules\ndist\n*.local\n',
};

const PROXIED_CONFIG = `import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// Where server.ts listens. An object, not a plain string: Vite's string form rewrites the Host
// header, and the BFF must see the address the browser opened (it sends logins on other hosts to baseUrl).
const server = { target: \`http://127.0.0.1:\${process.env.PORT ?? 3000}\` }

// https://vite.dev/config/
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true, // baseUrl names this port: another one would break the login
    proxy: { '/auth': server, '/api': server },
  },
})
`;

const root = await mkdtemp(join(tmpdir(), 'bff-auth-init-'));
let app: string;
let count = 0;

afterAll(() => rm(root, { recursive: true, force: true }));

beforeEach(async () => {
  app = join(root, `app-${count++}`);
  for (const [path, text] of Object.entries(TEMPLATE)) {
    await mkdir(dirname(join(app, path)), { recursive: true });
    await writeFile(join(app, path), text);
  }
});

/** init in `app`: its exit code and what it printed. */
function init(...args: Array<[string, string | boolean]>): { code: number; out: string } {
  const lines: string[] = [];
  const code = runInit({ dir: app, print: (line) => lines.push(line), ...Object.fromEntries(args) });
  return { code, out: lines.join('\n') };
}

const read = (path: string) => readFile(join(app, path), 'utf8');
const readJson = async (path: string) => JSON.parse(await read(path)) as Record<string, Record<string, string>>;

/** Every file of the app, by path, for comparing before and after. */
async function snapshot(): Promise<Record<string, string>> {
  const paths = [...Object.keys(TEMPLATE), 'server.ts', '.env', '.env.example'];
  return Object.fromEntries(await Promise.all(paths.map(async (path): Promise<[string, string]> => [path, await read(path).catch(() => '(none)')])));
}

describe('bff-auth init in a fresh create-vite react-ts app', () => {
  it('writes server.ts with the chosen providers, each credential read from the environment', async () => {
    const { code } = init(['providers', 'github,wechat,oidc']);
    expect(code).toBe(0);
    const server = await read('server.ts');
    expect(server).toContain("import { createAuthBff } from 'bff-auth/bff';");
    expect(server).toContain("secrets: [required('SESSION_SECRET')],");
    for (const [id, env] of [['github', 'GITHUB'], ['wechat', 'WECHAT'], ['oidc', 'OIDC']]) {
      expect(server).toContain(`id: '${id}', // the callback is baseUrl + /auth/callback/${id}`);
      expect(server).toContain(`clientId: required('${env}_CLIENT_ID'),`);
      expect(server).toContain(`clientSecret: required('${env}_CLIENT_SECRET'),`);
    }
    expect(server).toContain("issuer: required('OIDC_ISSUER'),");
  });

  it('adds the /auth and /api proxy to the template vite.config.ts, in its own style, and server.ts to tsconfig.node.json', async () => {
    init();
    expect(await read('vite.config.ts')).toBe(PROXIED_CONFIG);
    expect(await read('tsconfig.node.json')).toContain('"include": ["vite.config.ts", "server.ts"]');
  });

  it('adds the scripts and the dependencies the README uses, and keeps every version already there', async () => {
    init();
    const pkg = await readJson('package.json');
    const template = JSON.parse(TEMPLATE['package.json']!) as { scripts: Record<string, string> };
    expect(pkg.scripts).toEqual({ ...template.scripts, server: 'tsx --env-file=.env server.ts' });
    expect(Object.keys(pkg.dependencies!)).toEqual(['@tanstack/react-query', 'bff-auth', 'express', 'react', 'react-dom']);
    expect(pkg.dependencies!['bff-auth']).toMatch(/^\^\d+\.\d+\.\d+/);
    expect(pkg.devDependencies!).toMatchObject({ '@types/node': '^24.19.2', typescript: '~7.0.2' });
    expect(pkg.devDependencies!).toHaveProperty('tsx');
    expect(pkg.devDependencies!).toHaveProperty('@types/express');
  });

  it('writes .env with a fresh SESSION_SECRET, .env.example without one, and git-ignores .env', async () => {
    init(['providers', 'github']);
    const env = await read('.env');
    const secret = /^SESSION_SECRET=([\w-]+)$/m.exec(env)?.[1];
    expect(secret).toHaveLength(43); // 32 random bytes, base64url
    expect(env).toMatch(/^GITHUB_CLIENT_ID=$/m);
    expect(await read('.env.example')).toMatch(/^SESSION_SECRET=$/m);
    expect(await read('.gitignore')).toMatch(/^\.env$/m);

    await rm(join(app, '.env'));
    init(['providers', 'github']);
    expect(/^SESSION_SECRET=(.*)$/m.exec(await read('.env'))?.[1]).toMatch(/^[\w-]{43}$/);
    expect(/^SESSION_SECRET=(.*)$/m.exec(await read('.env'))?.[1]).not.toBe(secret);
  });

  it('prints per file what it did, the redirect URIs to register, the install command and the AuthProvider snippet', () => {
    const { out } = init(['providers', 'github,wechat,oidc']);
    expect(out).toMatch(/created +server\.ts/);
    expect(out).toMatch(/updated +vite\.config\.ts/);
    expect(out).toMatch(/updated +package\.json +scripts: server; dependencies: bff-auth, express, @tanstack\/react-query; devDependencies: tsx, @types\/express/);
    expect(out).toMatch(/created +\.env +8 variables with a new SESSION_SECRET/);
    expect(out).toContain('github: the redirect URI http://localhost:5173/auth/callback/github');
    expect(out).toContain('oidc: the redirect URI http://localhost:5173/auth/callback/oidc');
    expect(out).toContain('oidc: the post-logout redirect URI http://localhost:5173/');
    expect(out).toContain('wechat: the callback domain (授权回调域) localhost:5173, the host of http://localhost:5173/auth/callback/wechat');
    expect(out).toContain('npm install');
    expect(out).toContain('in src/main.tsx:');
    expect(out).toContain('<AuthProvider>');
    expect(out).toContain('<LoginButton provider="github" />');
  });

  it('changes nothing on a second run, and says so', async () => {
    init(['providers', 'github,oidc']);
    const before = await snapshot();
    const { code, out } = init(['providers', 'github,oidc']);
    expect(code).toBe(0);
    expect(await snapshot()).toEqual(before);
    expect(out).toContain('Nothing to change: the app is set up already.');
    expect(out).not.toMatch(/^ +(created|updated)/m);
  });
});

describe('bff-auth init in an app that has some of it already', () => {
  it('never touches an existing SESSION_SECRET, and only adds the variables .env lacks', async () => {
    await writeFile(join(app, '.env'), 'SESSION_SECRET=mine\nOTHER=1');
    const { out } = init(['providers', 'github']);
    expect(await read('.env')).toBe('SESSION_SECRET=mine\nOTHER=1\nGITHUB_CLIENT_ID=\nGITHUB_CLIENT_SECRET=\n');
    expect(out).toMatch(/updated +\.env +added GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET/);
    init(['providers', 'github'], ['force', true]);
    expect(await read('.env')).toMatch(/^SESSION_SECRET=mine$/m);
  });

  it('keeps a server.ts of its own unless --force', async () => {
    await writeFile(join(app, 'server.ts'), 'mine\n');
    expect(init().out).toMatch(/skipped +server\.ts +exists and differs \(--force replaces it\)/);
    expect(await read('server.ts')).toBe('mine\n');
    expect(init(['force', true]).out).toMatch(/updated +server\.ts +replaced \(--force\)/);
    expect(await read('server.ts')).toContain('createAuthBff');
  });

  it('leaves a Vite config with a server section alone and prints the proxy to paste', async () => {
    const config = TEMPLATE['vite.config.ts']!.replace('plugins: [react()],', 'plugins: [react()],\n  server: { port: 3001 },');
    await writeFile(join(app, 'vite.config.ts'), config);
    const { out } = init();
    expect(await read('vite.config.ts')).toBe(config);
    expect(out).toMatch(/skipped +vite\.config\.ts +not the shape init edits safely/);
    expect(out).toContain('Paste into vite.config.ts');
    expect(out).toContain("proxy: { '/auth': server, '/api': server },");
  });

  it('edits a vite.config.js with double quotes and semicolons in that style', async () => {
    await rm(join(app, 'vite.config.ts'));
    const config = 'import { defineConfig } from "vite";\nimport react from "@vitejs/plugin-react";\n\nexport default defineConfig({\n    plugins: [react()]\n});\n';
    await writeFile(join(app, 'vite.config.js'), config);
    expect(init().out).toMatch(/updated +vite\.config\.js/);
    const edited = await read('vite.config.js');
    expect(edited).toContain('const server = { target: `http://127.0.0.1:${process.env.PORT ?? 3000}` };\n');
    expect(edited).toContain('export default defineConfig({\n    plugins: [react()],\n    server: {\n');
    expect(edited).toContain('        proxy: { "/auth": server, "/api": server },\n    },\n});\n');
  });

  it('keeps a dev script that runs something else, and says so', async () => {
    const pkg = JSON.parse(TEMPLATE['package.json']!) as { scripts: Record<string, string> };
    pkg.scripts.dev = 'vite --host';
    await writeFile(join(app, 'package.json'), JSON.stringify(pkg, null, 2));
    const { out } = init();
    expect((await readJson('package.json')).scripts!.dev).toBe('vite --host');
    expect(out).toContain('package.json: kept your "dev" script ("vite --host"); the README\'s runs "vite"');
  });

  it('says so when main.tsx wraps the app in AuthProvider already', async () => {
    await writeFile(join(app, 'src/main.tsx'), "import { AuthProvider } from 'bff-auth/client'\n");
    expect(init().out).toContain('src/main.tsx uses <AuthProvider> already.');
  });
});

describe('bff-auth init refuses, with a reason and exit code 1', () => {
  it.each([
    ['no package.json', async () => rm(join(app, 'package.json')), 'no package.json'],
    ['no vite dependency', async () => writeFile(join(app, 'package.json'), '{"dependencies":{"react":"^19.0.0"}}'), 'does not depend on vite'],
    ['no vite config', async () => rm(join(app, 'vite.config.ts')), 'no vite.config.ts'],
  ])('%s', async (_, change, reason) => {
    await change();
    const before = await snapshot();
    const { code, out } = init();
    expect(code).toBe(1);
    expect(out).toContain(reason);
    expect(out).toContain('an existing Vite + React app');
    expect(await snapshot()).toEqual(before);
  });

  it('--install whose package manager cannot run, after the files are written', async () => {
    await writeFile(join(app, 'pnpm-lock.yaml'), '');
    const path = process.env.PATH;
    process.env.PATH = app; // no pnpm there, whatever this machine has installed
    let result: ReturnType<typeof init>;
    try {
      result = init(['install', true], ['providers', 'github']);
    } finally {
      process.env.PATH = path;
    }
    const { code, out } = result;
    expect(code).toBe(1);
    expect(out).toMatch(/created +server\.ts/);
    expect(out).toMatch(/pnpm install failed \(.*\); the files are written: run it again\./);
  });

  it.each([
    ['nope', 'unknown type "nope"'],
    ['github,alipay', '"alipay" needs fields init cannot fill in'],
  ])('--providers %s', (providers, reason) => {
    const { code, out } = init(['providers', providers]);
    expect(code).toBe(1);
    expect(out).toContain(reason);
  });
});

it('writes, for every type init offers, an entry the config accepts once its variables are set', () => {
  const providers = parseProviders(INIT_PROVIDER_TYPES.join(','));
  if (typeof providers === 'string') throw new Error(providers);
  const entries = providers.map(({ id, fields }) => ({
    id,
    ...Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, 'env' in field ? (key === 'issuer' ? 'https://login.example.com' : `${field.env}-value`) : field.literal])),
  }));
  expect(() => resolveConfig({ baseUrl: 'http://localhost:5173', secrets: ['s'.repeat(32)], providers: entries })).not.toThrow();
});
