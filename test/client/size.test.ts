import { describe, expect, it } from 'vitest';
import { measureClientSize } from '../../bench/client-size.js';

describe('client bundle size', () => {
  it('stays within 2048 bytes gzipped, React and react-query excluded', async () => {
    const { ownBytesGzip, withReactQueryBytesGzip } = await measureClientSize();
    expect(ownBytesGzip).toBeLessThanOrEqual(2048);
    expect(withReactQueryBytesGzip).toBeGreaterThan(ownBytesGzip);
  });
});
