import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { CLIENT_BUDGET_BYTES, measureClientSize, measureWeChatQrSize, WECHAT_QR_BUDGET_BYTES } from '../../bench/client-size.js';

describe('client bundle size', () => {
  it(`stays within ${CLIENT_BUDGET_BYTES} bytes gzipped, React and react-query excluded`, async () => {
    const { ownBytesGzip, withReactQueryBytesGzip } = await measureClientSize();
    expect(ownBytesGzip).toBeLessThanOrEqual(CLIENT_BUDGET_BYTES);
    expect(withReactQueryBytesGzip).toBeGreaterThan(ownBytesGzip);
  });

  it('carries no Chinese labels unless the app imports bff-auth/client/locales/zh-CN', async () => {
    const bundle = async (contents: string) => {
      const result = await build({
        stdin: { contents, resolveDir: fileURLToPath(new URL('../..', import.meta.url)), loader: 'ts' },
        bundle: true,
        minify: true,
        format: 'esm',
        external: ['react', 'react-dom', 'react/jsx-runtime', '@tanstack/react-query'],
        write: false,
        charset: 'utf8',
        logLevel: 'silent',
      });
      return result.outputFiles[0]!.text;
    };
    const chinese = /[\u4e00-\u9fff]/;
    expect(await bundle(`export * from './client/index.ts';`)).not.toMatch(chinese);
    expect(await bundle(`export * from './client/index.ts'; export { zhCN } from './client/locales/zh-CN.ts';`)).toMatch(chinese);
  });

  it(`bff-auth/client/wechat stays within ${WECHAT_QR_BUDGET_BYTES} bytes gzipped on its own`, async () => {
    expect(await measureWeChatQrSize()).toBeLessThanOrEqual(WECHAT_QR_BUDGET_BYTES);
  });
});
