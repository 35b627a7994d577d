/**
 * `npm run bench`: runs every benchmark, prints its table, and exits non-zero if any is over budget.
 * To add one, write a function returning a BenchResult and list it in BENCHES.
 */
import { CLIENT_BUDGET_BYTES, measureClientSize } from './client-size.js';

interface BenchRow {
  label: string;
  value: string;
  note?: string;
}

interface BenchResult {
  title: string;
  rows: BenchRow[];
  /** Why the run fails, when a budget is exceeded. */
  failure?: string;
}

/**
 * Reference figures for comparable React auth clients, measured the same way (bundled, minified,
 * gzipped, React external). Recorded constants: this run does not measure them.
 */
const REFERENCE_CLIENTS = [
  { name: 'next-auth/react', bytesGzip: 10_600 },
  { name: 'react-oidc-context + oidc-client-ts', bytesGzip: 19_100 },
  { name: '@auth0/auth0-react', bytesGzip: 67_500 },
];

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

async function clientSizeBench(): Promise<BenchResult> {
  const { ownBytesGzip, withReactQueryBytesGzip } = await measureClientSize();
  const over = ownBytesGzip > CLIENT_BUDGET_BYTES;
  return {
    title: 'bff-auth/client bundle size (esbuild, minified, ESM, gzip -9)',
    rows: [
      {
        label: 'client (react, react-query external)',
        value: `${ownBytesGzip} B`,
        note: `${over ? 'OVER' : 'within'} the ${CLIENT_BUDGET_BYTES} B budget (${Math.round((ownBytesGzip / CLIENT_BUDGET_BYTES) * 100)}%)`,
      },
      {
        label: 'client + @tanstack/react-query',
        value: `${withReactQueryBytesGzip} B`,
        note: 'for an app that does not use react-query yet',
      },
      ...REFERENCE_CLIENTS.map(({ name, bytesGzip }) => ({
        label: name,
        value: kB(bytesGzip),
        note: 'reference figure, measured the same way',
      })),
    ],
    failure: over ? `client is ${ownBytesGzip} B gzipped, over its ${CLIENT_BUDGET_BYTES} B budget` : undefined,
  };
}

const BENCHES: Array<() => Promise<BenchResult>> = [clientSizeBench];

function printTable({ title, rows }: BenchResult): void {
  const labelWidth = Math.max(...rows.map((row) => row.label.length));
  const valueWidth = Math.max(...rows.map((row) => row.value.length));
  console.log(`\n${title}`);
  for (const { label, value, note } of rows) {
    console.log(`  ${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}${note ? `  ${note}` : ''}`);
  }
}

const failures: string[] = [];
for (const bench of BENCHES) {
  const result = await bench();
  printTable(result);
  if (result.failure) failures.push(result.failure);
}
for (const failure of failures) console.error(`\nFAIL: ${failure}`);
process.exitCode = failures.length ? 1 : 0;
