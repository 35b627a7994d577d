import { describe, expect, it } from 'vitest';
import { CLIENT_BUDGET_BYTES, measureClientSize, measureWeChatQrSize, WECHAT_QR_BUDGET_BYTES } from '../../bench/client-size.js';

describe('client bundle size', () => {
  it(`stays within ${CLIENT_BUDGET_BYTES} bytes gzipped, React and react-query excluded`, async () => {
    const { ownBytesGzip, withReactQueryBytesGzip } = await measureClientSize();
    expect(ownBytesGzip).toBeLessThanOrEqual(CLIENT_BUDGET_BYTES);
    expect(withReactQueryBytesGzip).toBeGreaterThan(ownBytesGzip);
  });

  it(`bff-auth/client/wechat stays within ${WECHAT_QR_BUDGET_BYTES} bytes gzipped on its own`, async () => {
    expect(await measureWeChatQrSize()).toBeLessThanOrEqual(WECHAT_QR_BUDGET_BYTES);
  });
});
