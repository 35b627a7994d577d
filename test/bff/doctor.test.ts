import { createPublicKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevProvider, type DevProvider } from '../../demo/dev-provider.js';
import { langOf } from '../../bff/doctor/messages.js';
import { renderReport } from '../../bff/doctor/report.js';
import { DOCTOR_TIMEOUT_MS, runDoctor, type DoctorReport } from '../../bff/doctor/run-doctor.js';
import { cli, exitWithin, killRunning, STARTUP_MS } from '../support/bff-process.js';
import { ALIPAY_PATHS, startAlipayEmulator, type AlipayEmulator } from '../../emulators/alipay.js';
import { startWeChatEmulator, WECHAT_PATHS, type WeChatEmulator } from '../../emulators/wechat.js';
import { PLATFORM_CASES } from '../support/platform-cases/index.js';

const SECRET = 'doctor-test-secret-0123456789-abcdefghij';
const BASE_URL = 'https://app.example.com';
/** Time for an emulator on a busy machine to answer: only a provider that hangs is waited out. */
const ANSWER_MS = 15_000;
/** The hanging provider's test sets its own, which it waits out: it expects no answer. */
const HANG_MS = 200;
const DEV_CLIENT = { clientId: 'doctor-client', clientSecret: 'doctor-client-secret-0123456789-abcdef' };

let wechat: WeChatEmulator;
let alipay: AlipayEmulator;
let dev: DevProvider;
let hanging: { port: number; close: () => Promise<void> };
let dir: string;

/** A TCP server that accepts connections and never answers: a provider that hangs. */
async function startHangingServer() {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const wechatEntry = (overrides: Record<string, unknown> = {}) => ({
  id: 'wechat',
  type: 'wechat',
  clientId: wechat.appId,
  clientSecret: wechat.appSecret,
  endpoints: { authorization: wechat.origin + WECHAT_PATHS.authorization, token: wechat.origin + WECHAT_PATHS.token },
  ...overrides,
});

const wechatMpEntry = () => ({
  ...wechatEntry({ id: 'wechat-mp', type: 'wechat-mp' }),
  endpoints: { authorization: wechat.origin + WECHAT_PATHS.officialAccountAuthorization, token: wechat.origin + WECHAT_PATHS.token },
});

const alipayEntry = (overrides: Record<string, unknown> = {}) => ({
  id: 'alipay',
  type: 'alipay',
  clientId: alipay.clientId,
  privateKey: alipay.appPrivateKey,
  alipayPublicKey: alipay.alipayPublicKey,
  endpoints: { authorization: alipay.origin + ALIPAY_PATHS.authorization, token: alipay.origin + ALIPAY_PATHS.token },
  ...overrides,
});

const oidcEntry = (overrides: Record<string, unknown> = {}) => ({ id: 'corp', type: 'oidc', issuer: dev.issuer, ...DEV_CLIENT, ...overrides });

const configWith = (providers: object[], overrides: Record<string, unknown> = {}) => ({ baseUrl: BASE_URL, secrets: [SECRET], providers, ...overrides });

const doctor = (config: unknown, env: Record<string, string> = {}, timeoutMs = ANSWER_MS) => runDoctor(config, { timeoutMs, env });

/** The codes of the failed findings, with the provider (or field) each is about. */
const problems = (report: DoctorReport) => report.findings.filter((finding) => !finding.ok).map(({ code, provider, field }) => `${provider ?? field ?? '-'} ${code}`);

beforeAll(async () => {
  [wechat, alipay, hanging, dir] = await Promise.all([startWeChatEmulator(), startAlipayEmulator(), startHangingServer(), mkdtemp(join(tmpdir(), 'bff-auth-doctor-'))]);
  dev = await startDevProvider({ clients: [{ ...DEV_CLIENT, redirectUris: [`${BASE_URL}/auth/callback/corp`], postLogoutRedirectUris: [`${BASE_URL}/`] }] });
});

afterAll(async () => {
  killRunning();
  await Promise.all([wechat?.close(), alipay?.close(), dev?.close(), hanging?.close(), dir && rm(dir, { recursive: true, force: true })]);
});

describe('bff-auth doctor against the emulators and oidc-provider', () => {
  it('a good config passes: what to register and where, and every live check proven', async () => {
    const report = await doctor(configWith([wechatEntry(), alipayEntry(), oidcEntry()]));
    expect(problems(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.providers).toEqual([
      {
        id: 'wechat',
        type: 'wechat',
        name: 'WeChat',
        redirectUri: `${BASE_URL}/auth/callback/wechat`,
        domain: { field: '授权回调域', value: 'app.example.com' },
        console: 'https://open.weixin.qq.com/cgi-bin/index',
      },
      { id: 'alipay', type: 'alipay', name: 'Alipay', redirectUri: `${BASE_URL}/auth/callback/alipay`, console: 'https://open.alipay.com/develop/manage' },
      // oidc-provider has end-session: the post-logout URI is to be registered too.
      { id: 'corp', type: 'oidc', name: 'corp', redirectUri: `${BASE_URL}/auth/callback/corp`, postLogoutRedirectUri: `${BASE_URL}/` },
    ]);
    const passed = report.findings.map(({ provider, code }) => `${provider} ${code}`);
    expect(passed).toEqual(
      expect.arrayContaining([
        'wechat authorization_ok',
        'wechat token_invalidCode',
        'alipay authorization_ok',
        'alipay token_invalidCode',
        'corp discovery_ok',
        'corp jwks_ok',
        'corp authorization_ok',
      ]),
    );
    // The made-up code reached the token endpoints, with the app's real credentials.
    expect(wechat.requests.some((request) => request.path === WECHAT_PATHS.token && request.query.code === 'bff-auth-doctor-invalid-code')).toBe(true);
  });

  it('a wrong secret, a wrong app id and an unknown Alipay app are each named', async () => {
    const report = await doctor(
      configWith([
        wechatEntry({ clientSecret: 'not-the-secret' }),
        wechatEntry({ id: 'wechat-other', clientId: 'wx0000000000000000' }),
        alipayEntry({ clientId: '2021000000000000' }),
      ]),
    );
    expect(report.ok).toBe(false);
    expect(problems(report)).toEqual(['wechat token_wrongSecret', 'wechat-other token_unknownApp', 'alipay token_unknownApp']);
    const secret = report.findings.find((finding) => finding.code === 'token_wrongSecret');
    expect(secret?.message).toBe('wechat: the platform refuses clientSecret (errcode 40125): copy the app secret from the console (reset it there if lost).');
  });

  it("Alipay's swapped keys are detected and named, before and by the live call", async () => {
    const ownPublic = createPublicKey(alipay.appPrivateKey).export({ type: 'spki', format: 'pem' }).toString();
    const report = await doctor(
      configWith([
        // The classic mistake: the app's own public key where Alipay's goes.
        alipayEntry({ alipayPublicKey: ownPublic }),
        // Both keys in each other's place.
        alipayEntry({ id: 'alipay-swapped', privateKey: alipay.alipayPublicKey, alipayPublicKey: alipay.appPrivateKey }),
      ]),
    );
    expect(problems(report)).toEqual(['alipay own_public_key', 'alipay-swapped keys_swapped', 'alipay answer_signature_invalid']);
    expect(report.findings.find((finding) => finding.code === 'own_public_key')?.field).toBe('providers.0.alipayPublicKey');
    expect(report.findings.find((finding) => finding.code === 'keys_swapped')?.message).toBe(
      "alipay-swapped: privateKey and alipayPublicKey are swapped: put the app's private key in privateKey and the platform's public key in alipayPublicKey.",
    );
    // The entry the schema refuses still gets what to register.
    expect(report.providers.map(({ id, redirectUri }) => `${id} ${redirectUri}`)).toEqual([
      `alipay ${BASE_URL}/auth/callback/alipay`,
      `alipay-swapped ${BASE_URL}/auth/callback/alipay-swapped`,
    ]);
    // The validator's own "must be an RSA private key" is not said a second time.
    expect(report.findings.filter((finding) => finding.code === 'config_invalid')).toEqual([]);
  });

  it('a discovery document naming another issuer fails as issuer_mismatch', async () => {
    const report = await doctor(configWith([oidcEntry({ issuer: dev.issuer.replace('127.0.0.1', 'localhost') })]));
    expect(problems(report)).toEqual(['corp issuer_mismatch', 'corp authorization_failed']);
  });

  it('a provider that never answers fails within the timeout', async () => {
    const started = Date.now();
    const report = await doctor(configWith([oidcEntry({ id: 'slow', issuer: `http://127.0.0.1:${hanging.port}` })]), {}, HANG_MS);
    expect(problems(report)).toEqual(['slow discovery_failed', 'slow authorization_failed']);
    // Well short of the default, which it would take if the given timeout were not used.
    expect(Date.now() - started).toBeLessThan(DOCTOR_TIMEOUT_MS);
  });

  it('each config problem is one line saying what to do', async () => {
    const report = await doctor(
      configWith([wechatMpEntry()], { baseUrl: 'http://203.0.113.5', secrets: ['short-secret'] }),
      { NODE_ENV: 'production' },
    );
    expect(problems(report)).toEqual(['secrets.0 secret_too_short', 'baseUrl base_url_http', 'session.store memory_store_production', 'wechat-mp domain_not_plain']);
    const messages = report.findings.filter((finding) => !finding.ok).map((finding) => finding.message);
    expect(messages).toEqual([
      'secrets.0 has 12 characters: use at least 32 (generate one with: openssl rand -base64 32).',
      'baseUrl http://203.0.113.5 is plain http off this machine: serve the app over https (plain http only on localhost, 127.0.0.1 and [::1]).',
      'session.store is "memory" with NODE_ENV=production: sessions are lost on restart and not shared between instances. Use Redis (session.store: "redis://...").',
      "wechat-mp: the 网页授权域名 must be a plain domain name, and baseUrl's host 203.0.113.5 is not one (no IP address, no port, no localhost): serve the app on a domain name.",
    ]);
    const onDomain = await doctor(configWith([wechatMpEntry()], { baseUrl: 'https://wx.example.com' }));
    expect(problems(onDomain)).toEqual([]);
    expect(onDomain.providers[0]?.domain).toEqual({ field: '网页授权域名', value: 'wx.example.com' });
  });

  it('--lang zh: the report in Simplified Chinese', async () => {
    const report = await runDoctor(configWith([wechatEntry({ clientSecret: 'not-the-secret' })]), { lang: 'zh', timeoutMs: ANSWER_MS, env: {} });
    const text = renderReport(report);
    expect(text).toContain(`需要登记的回调地址: ${BASE_URL}/auth/callback/wechat`);
    expect(text).toContain('授权回调域: app.example.com');
    expect(text).toContain('✗ wechat：平台拒绝了 clientSecret（errcode 40125）：请从控制台复制 AppSecret（遗失可在控制台重置）。');
    expect(text.split('\n').at(-1)).toBe('1 个问题需要修正。');
  });

  it('the language is --lang, else the locale of LC_ALL or LANG', () => {
    expect(langOf('zh', { LANG: 'en_US.UTF-8' })).toBe('zh');
    expect(langOf(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh');
    expect(langOf(undefined, { LC_ALL: 'en_GB.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(langOf(undefined, {})).toBe('en');
  });
});

/**
 * No token probe: DingTalk refuses a bad code and a bad client alike (dingtalk.ts); WeCom's token
 * endpoint is the app token's, which takes no code (wecom.ts); Apple, like every OpenID Connect
 * platform, is checked through discovery and its JWKS. The app's own platform (acme-id) has one, as its data says.
 */
const WITHOUT_PROBE = ['dingtalk', 'wecom', 'apple'];

describe.each(PLATFORM_CASES)('bff-auth doctor on the $id emulator', (platformCase) => {
  const run = async (change: (entry: Record<string, unknown>) => Record<string, unknown>) => {
    const emulator = await platformCase.start();
    try {
      const [entry] = platformCase.entries(emulator) as Record<string, unknown>[];
      const platforms = platformCase.platform ? [platformCase.platform] : [];
      return await doctor(configWith([change(entry ?? {})], { platforms }));
    } finally {
      await emulator.close();
    }
  };

  it('passes with the emulator\'s credentials: the authorization endpoint answers, a made-up code is refused as invalid', async () => {
    const report = await run((entry) => entry);
    expect(problems(report)).toEqual([]);
    const hasProbe = report.findings.some((finding) => finding.code === 'token_invalidCode');
    expect(hasProbe).toBe(!WITHOUT_PROBE.includes(platformCase.id));
  });

  it('names a wrong secret (or a wrong client) from the live call', async () => {
    const report = await run((entry) => ('clientSecret' in entry ? { ...entry, clientSecret: 'not-the-secret' } : { ...entry, clientId: 'not-the-app' }));
    const codes = problems(report).map((line) => line.split(' ')[1]);
    expect(codes).toEqual(WITHOUT_PROBE.includes(platformCase.id) ? [] : [expect.stringMatching(/^token_(wrongSecret|badClient|unknownApp)$/)]);
  });
});

describe('the bff-auth doctor command', () => {
  it('--json prints the report and exits 1 on a problem', async () => {
    const file = join(dir, 'bff-auth.config.json');
    await writeFile(file, JSON.stringify(configWith([wechatEntry({ clientSecret: '${WECHAT_SECRET}' })])));
    const child = cli(['doctor', '--config', file, '--json'], { WECHAT_SECRET: 'not-the-secret', LC_ALL: '', LANG: 'en_US.UTF-8' }, 'sources');
    // Startup under tsx on a loaded machine is most of this bound.
    expect(await exitWithin(child, STARTUP_MS)).toBe(1);
    const report = JSON.parse(child.stdout()) as DoctorReport;
    expect(report).toMatchObject({ ok: false, lang: 'en', providers: [{ id: 'wechat', redirectUri: `${BASE_URL}/auth/callback/wechat` }] });
    expect(report.findings).toEqual([
      { code: 'authorization_ok', ok: true, provider: 'wechat', params: { provider: 'wechat', status: 302 }, message: 'wechat: the authorization endpoint answers (HTTP 302).' },
      {
        code: 'token_wrongSecret',
        ok: false,
        provider: 'wechat',
        params: { provider: 'wechat', detail: 'errcode 40125' },
        message: 'wechat: the platform refuses clientSecret (errcode 40125): copy the app secret from the console (reset it there if lost).',
      },
    ]);
  }, STARTUP_MS + 5000);
});
