/**
 * Issue #17, section 6: the Chinese README and the per-platform guides in both languages
 * (docs/zh-CN/<type>.md, docs/en/<type>.md). Every `json` block is a whole config file and every
 * `js` block a whole config module; each is loaded as `bff-auth serve --config` loads it (with the
 * environment variables it names set: a real RSA key pair for Alipay's keys) and must pass the
 * real validation. A snippet that stops validating, or a guide that goes missing, fails here.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfigFile } from '../../bff/config/config-file.js';
import { resolveConfig } from '../../bff/config/resolve.js';
import { codeBlocks } from '../support/markdown.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

/** The built-in Chinese platforms: each has a guide in both languages. */
const PLATFORMS = ['wechat', 'wechat-mp', 'qq', 'weibo', 'dingtalk', 'feishu', 'alipay', 'gitee', 'douyin', 'wecom'];
const DOCTOR = { 'zh-CN': 'npx bff-auth doctor --config bff-auth.json --lang zh', en: 'npx bff-auth doctor --config bff-auth.json' };

const guides = Object.fromEntries(
  await Promise.all(
    (['zh-CN', 'en'] as const).map(async (lang) => [lang, (await readdir(join(ROOT, 'docs', lang))).filter((name) => name.endsWith('.md')).sort()] as const),
  ),
) as Record<'zh-CN' | 'en', string[]>;
const files = ['README.zh-CN.md', ...guides['zh-CN'].map((name) => `docs/zh-CN/${name}`), ...guides.en.map((name) => `docs/en/${name}`)];
const texts = new Map(await Promise.all(files.map(async (file) => [file, await readFile(join(ROOT, file), 'utf8')] as const)));
const configs = files.flatMap((file) => codeBlocks(texts.get(file)!, file)).filter((block) => block.language === 'json' || block.language === 'js');

/**
 * A value for every environment variable a snippet names: Alipay's keys as PEM (the config only
 * parses them, so a small RSA key will do, made in a hundredth of a 2048-bit one's time), the rest
 * long enough for `secrets`.
 */
const keys = generateKeyPairSync('rsa', { modulusLength: 1024 });
const envValue = (name: string) =>
  /PRIVATE_KEY/.test(name)
    ? keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    : /PUBLIC_KEY/.test(name)
      ? keys.publicKey.export({ type: 'spki', format: 'pem' }).toString()
      : `value-of-${name}-0123456789abcdefghijklmnopqrstuvwxyz`;
const namesIn = (code: string) => [...code.matchAll(/\$\{([A-Za-z_]\w*)\}|process\.env\.([A-Za-z_]\w*)/g)].map((match) => match[1] ?? match[2]!);

const scratch = await mkdtemp(join(tmpdir(), 'bff-auth-docs-'));
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(scratch, { recursive: true, force: true });
});

describe('the Chinese documentation', () => {
  it('has a guide per Chinese platform in both languages, each with the doctor line', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      expect(guides[lang]).toEqual(PLATFORMS.map((type) => `${type}.md`).sort());
      for (const name of guides[lang]) expect(texts.get(`docs/${lang}/${name}`), `docs/${lang}/${name}`).toContain(DOCTOR[lang]);
    }
  });

  it('links both languages from README.md, and every guide from both READMEs', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n')[0]).toMatch(/README\.zh-CN\.md/);
    const zh = texts.get('README.zh-CN.md')!;
    expect(zh.split('\n')[0]).toMatch(/README\.md/);
    for (const type of PLATFORMS) {
      expect(readme).toContain(`(docs/en/${type}.md)`);
      expect(readme).toContain(`(docs/zh-CN/${type}.md)`);
      expect(zh).toContain(`(docs/zh-CN/${type}.md)`);
    }
  });

  it('links only to files that exist', async () => {
    const { access } = await import('node:fs/promises');
    const missing: string[] = [];
    for (const [file, text] of texts) {
      for (const [, target] of text.matchAll(/\]\(((?!https?:|#|mailto:)[^)#\s]+)/g)) {
        await access(join(ROOT, dirname(file), target!)).catch(() => missing.push(`${file} -> ${target}`));
      }
    }
    expect(missing).toEqual([]);
  });

  it('shows a whole config in each guide, naming its own platform', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const type of PLATFORMS) {
        const blocks = configs.filter((block) => block.where.startsWith(`docs/${lang}/${type}.md:`));
        expect(blocks.length, `docs/${lang}/${type}.md`).toBeGreaterThanOrEqual(1);
        expect(blocks.some((block) => block.code.includes(`"type": "${type}"`)), `docs/${lang}/${type}.md`).toBe(true);
      }
    }
  });

  it.each(configs.map((block) => [block.where, block]))('%s passes config validation', async (where, block) => {
    const names = namesIn(block.code);
    const env = Object.fromEntries(names.map((name) => [name, envValue(name)]));
    const path = join(scratch, `${where.replace(/[^\w.-]/g, '_')}.${block.language === 'js' ? 'mjs' : 'json'}`);
    await writeFile(path, block.code);
    for (const name of names) vi.stubEnv(name, env[name]);
    const config = await loadConfigFile(path, env);
    expect(() => resolveConfig(config)).not.toThrow();
  });
});
