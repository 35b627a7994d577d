import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('../client/index.ts', import.meta.url));
const WECHAT_ENTRY = fileURLToPath(new URL('../client/wechat/index.ts', import.meta.url));
const REACT = ['react', 'react-dom', 'react/jsx-runtime'];

/** The client's budget, gzipped, React and react-query excluded: the bench and the size test both read it here. */
export const CLIENT_BUDGET_BYTES = 2560;
/** `bff-auth/client/wechat` (`WeChatQrLogin`) on its own, measured the same way: what an app that embeds the QR code adds. */
export const WECHAT_QR_BUDGET_BYTES = 2048;

/** The client's size as an app would ship it: bundled, minified, gzipped at level 9. */
export async function measureClientSize(): Promise<{ ownBytesGzip: number; withReactQueryBytesGzip: number }> {
  return {
    ownBytesGzip: await gzippedBundleSize(ENTRY, [...REACT, '@tanstack/react-query']),
    withReactQueryBytesGzip: await gzippedBundleSize(ENTRY, REACT),
  };
}

/** `bff-auth/client/wechat`'s size, React and react-query excluded. */
export const measureWeChatQrSize = (): Promise<number> => gzippedBundleSize(WECHAT_ENTRY, [...REACT, '@tanstack/react-query']);

async function gzippedBundleSize(entry: string, external: string[]): Promise<number> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild produced no output');
  return gzipSync(code, { level: 9 }).length;
}
