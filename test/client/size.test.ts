import { describe, expect, it } from 'vitest';
import { CLIENT_BUDGET_BYTES, measureClientSize } from '../../bench/client-size.js';

describe('client bundle size', () => {
  it(`stays within ${CLIENT_BUDGET_BYTES} bytes gzipped, React and react-query excluded`, async () => {
    const { ownBytesGzip, withReactQueryBytesGzip } = await measureClientSize();
    expect(ownBytesGzip).toBeLessThanOrEqual(CLIENT_BUDGET_BYTES);
    expect(withReactQueryBytesGzip).toBeGreaterThan(ownBytesGzip);
  });
});
