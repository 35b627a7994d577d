/**
 * Issue #17, section 6: the BFF's own HTML pages (the unknown-provider 404 and the 429 of the
 * login rate limit) speak English or Simplified Chinese as the browser's Accept-Language asks,
 * weights respected, English by default. Through the real routes of a mounted router.
 */
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthBff, silentLogger, type AuthBffConfig } from '../../bff/index.js';
import { TEST_SECRET, UNTHROTTLED } from '../support/bff.js';
import { runs } from '../support/fuzz.js';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

/** A BFF whose baseUrl is its own address, so that the login route does not send the browser to another host first. */
async function startBff(rateLimit: AuthBffConfig['rateLimit']): Promise<string> {
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.use(
    createAuthBff({
      baseUrl: origin,
      secrets: [TEST_SECRET],
      logger: silentLogger,
      rateLimit,
      providers: [{ id: 'github', type: 'github', clientId: 'a', clientSecret: 'b' }],
    }).router,
  );
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return origin;
}

let bff: string;
beforeAll(async () => {
  bff = await startBff(UNTHROTTLED);
});

const openPage = (origin: string, path: string, acceptLanguage?: string) =>
  fetch(`${origin}${path}`, { redirect: 'manual', headers: acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage } });

interface Page {
  status: number;
  lang: string | undefined;
  contentLanguage: string | null;
  vary: string | null;
  title: string | undefined;
  text: string;
}

async function read(response: Response): Promise<Page> {
  const html = await response.text();
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  return {
    status: response.status,
    lang: /<html lang="([^"]*)">/.exec(html)?.[1],
    contentLanguage: response.headers.get('content-language'),
    vary: response.headers.get('vary'),
    title: /<h1>([^<]*)<\/h1>/.exec(html)?.[1],
    // What a reader sees: the body's text, character references decoded.
    text: (/<body>([\s\S]*)<\/body>/.exec(html)?.[1] ?? '').replace(/<[^>]*>/g, '').replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))),
  };
}

const CHINESE = 'zh-CN';
const ENGLISH = 'en';

/** Accept-Language as browsers and people send it, and the language the page must be in. */
const VARIANTS: Array<[string | undefined, string]> = [
  [undefined, ENGLISH],
  ['', ENGLISH],
  ['zh-CN,zh;q=0.9,en;q=0.8', CHINESE],
  ['zh', CHINESE],
  ['zh-Hans', CHINESE],
  ['zh-Hans-CN', CHINESE],
  ['ZH-cn', CHINESE],
  ['en-US,en;q=0.9', ENGLISH],
  ['en-US,en;q=0.9,zh-CN;q=0.8', ENGLISH],
  ['en;q=0.5, zh-CN;q=0.8', CHINESE],
  ['zh-CN;q=0.8, en;q=0.8', CHINESE],
  ['en;q=0.8, zh-CN;q=0.8', ENGLISH],
  ['zh-CN;q=0, en', ENGLISH],
  ['zh-CN;q=0.000', ENGLISH],
  ['fr-FR,fr;q=0.9,zh;q=0.8,en;q=0.7', CHINESE],
  ['fr', ENGLISH],
  ['ja, *;q=0.1', ENGLISH],
  ['zh-TW', ENGLISH],
  ['zh-Hant-TW, zh;q=0.5', CHINESE],
  ['zh;q=high, en;q=0.1', ENGLISH],
  ['zh;q=1.5', ENGLISH],
  ['zh-SG;q=1.000', CHINESE],
];

describe('the unknown-provider page follows Accept-Language', () => {
  it.each(VARIANTS)('Accept-Language %j: %s', async (acceptLanguage, language) => {
    const page = await read(await openPage(bff, '/auth/login/weixin', acceptLanguage));
    expect(page.status).toBe(404);
    expect(page.lang).toBe(language);
    expect(page.contentLanguage).toBe(language);
    expect(page.vary).toMatch(/accept-language/i);
    expect(page.text).toContain('unknown_provider');
    if (language === CHINESE) {
      expect(page.title).toBe('找不到这个登录方式');
      expect(page.text).toContain('这里没有名为“weixin”的登录方式（错误码：unknown_provider）。');
      expect(page.text).toContain('返回应用');
      expect(page.text).not.toMatch(/sign-in|Back to the app/i);
    } else {
      expect(page.title).toBe('Unknown sign-in provider');
      expect(page.text).toContain('There is no sign-in provider called "weixin" here (error unknown_provider).');
      expect(page.text).toContain('Back to the app');
      expect(page.text).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('is English for a request with no Accept-Language at all (fetch would send "*")', async () => {
    const request = get(`${bff}/auth/login/weixin`);
    const [response] = (await once(request, 'response')) as [IncomingMessage];
    let html = '';
    for await (const chunk of response) html += String(chunk);
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-language']).toBe(ENGLISH);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Unknown sign-in provider');
  });

  it('escapes the provider id in both languages', async () => {
    for (const acceptLanguage of ['en', 'zh-CN']) {
      const response = await openPage(bff, `/auth/login/${encodeURIComponent('<img src=x onerror=alert(1)>')}`, acceptLanguage);
      const html = await response.text();
      expect(response.status).toBe(404);
      expect(html).not.toContain('<img');
      expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    }
  });

  it('any Accept-Language at all gets the page in English or Chinese, never an error', async () => {
    const range = fc.oneof(fc.constantFrom('zh', 'zh-CN', 'zh-Hans', 'zh-TW', 'en', 'en-GB', 'fr', '*', ''), fc.string({ maxLength: 12 }));
    const weight = fc.oneof(fc.constant(''), fc.constantFrom(';q=0', ';q=1', ';q=0.5', ';q=', ';q=2', ';q=0.0001', '; q=0.3'), fc.string({ maxLength: 6 }));
    const header = fc
      .array(fc.tuple(range, weight).map(([r, w]) => r + w), { maxLength: 6 })
      .map((parts) => parts.join(','))
      // Only what fetch can send as a header value: visible ASCII and spaces.
      .filter((value) => /^[\x20-\x7e]*$/.test(value));
    await fc.assert(
      fc.asyncProperty(header, async (acceptLanguage) => {
        const page = await read(await openPage(bff, '/auth/login/nope', acceptLanguage));
        expect(page.status).toBe(404);
        expect([ENGLISH, CHINESE]).toContain(page.lang);
        expect(page.contentLanguage).toBe(page.lang);
      }),
      { numRuns: runs(40) },
    );
  });
});

describe('the 429 page of the login rate limit follows Accept-Language', () => {
  let throttled: string;
  beforeAll(async () => {
    throttled = await startBff({ loginsPerMinute: 1 });
    expect((await openPage(throttled, '/auth/login/github')).status).toBe(302);
  });

  it.each([
    [undefined, ENGLISH],
    ['zh-CN,zh;q=0.9', CHINESE],
    ['en;q=0.4, zh-Hans;q=0.6', CHINESE],
    ['zh;q=0.4, en;q=0.6', ENGLISH],
  ])('Accept-Language %j: %s, with the Retry-After in the words', async (acceptLanguage, language) => {
    const response = await openPage(throttled, '/auth/login/github', acceptLanguage);
    const retryAfter = response.headers.get('retry-after');
    const page = await read(response);
    expect(page.status).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(page.lang).toBe(language);
    expect(page.contentLanguage).toBe(language);
    expect(page.text).toContain('rate_limited');
    if (language === CHINESE) {
      expect(page.title).toBe('登录尝试过于频繁');
      expect(page.text).toContain(`请在 ${retryAfter} 秒后重试（错误码：rate_limited）。`);
    } else {
      expect(page.title).toBe('Too many sign-in attempts');
      expect(page.text).toContain(`please try again in ${retryAfter} seconds (error rate_limited).`);
    }
  });
});
