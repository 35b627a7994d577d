import { CLIENT_BUDGET_BYTES, measureClientSize } from '../client-size.js';
import { bytes, type SuiteResult } from '../harness/results.js';

/**
 * Reference figures for comparable React auth clients, measured the same way (bundled, minified,
 * gzipped, React external). Recorded constants: this run does not measure them.
 */
const REFERENCE_CLIENTS = [
  { name: 'next-auth/react', bytesGzip: 10_600 },
  { name: 'react-oidc-context + oidc-client-ts', bytesGzip: 19_100 },
  { name: '@auth0/auth0-react', bytesGzip: 67_500 },
];

export async function clientSizeBench(): Promise<SuiteResult> {
  const { ownBytesGzip, withReactQueryBytesGzip } = await measureClientSize();
  const over = ownBytesGzip > CLIENT_BUDGET_BYTES;
  return {
    figures: [
      {
        id: 'client-size',
        label: 'bff-auth/client, gzipped (React and react-query external)',
        value: ownBytesGzip,
        unit: 'B',
        goal: { atMost: CLIENT_BUDGET_BYTES },
      },
    ],
    sections: [
      {
        title: 'Client bundle size',
        method: 'esbuild bundle of `client/index.ts`, minified, ESM, gzip level 9. The other clients are reference figures measured the same way, recorded, not measured by this run.',
        head: ['bundle', 'gzipped', 'note'],
        rows: [
          ['bff-auth/client (react, react-query external)', bytes(ownBytesGzip), `${Math.round((ownBytesGzip / CLIENT_BUDGET_BYTES) * 100)}% of the ${bytes(CLIENT_BUDGET_BYTES)} budget`],
          ['bff-auth/client + @tanstack/react-query', bytes(withReactQueryBytesGzip), 'for an app that does not use react-query yet'],
          ...REFERENCE_CLIENTS.map(({ name, bytesGzip }) => [name, bytes(bytesGzip), 'reference figure']),
        ],
      },
    ],
    failure: over ? `client is ${ownBytesGzip} B gzipped, over its ${CLIENT_BUDGET_BYTES} B budget` : undefined,
  };
}
