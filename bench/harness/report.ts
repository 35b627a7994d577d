import { bytes, int, type Figure, type Section } from './results.js';
import { KNOWN_GAPS, LIMIT_GAPS } from '../gaps.js';

export interface Baseline {
  recordedAt: string;
  commit: string;
  note: string;
  figures: Record<string, number>;
}

export interface RunInfo {
  date: string;
  mode: string;
  machine: string;
  load: string;
  versions: Record<string, string>;
  method: string[];
}

const formatters: Record<Figure['unit'], (value: number) => string> = {
  x: (value) => `${value.toFixed(2)}x`,
  share: (value) => value.toFixed(2),
  B: bytes,
  'µs': (value) => `${int(value)} µs`,
  '/s': (value) => `${int(value)}/s`,
  count: int,
  'yes/no': (value) => (value ? 'yes' : 'no'),
};

export const formatFigure = (figure: Figure, value = figure.value) => formatters[figure.unit](value);

export function verdict(figure: Figure): { goal: string; met: string } {
  if (!figure.goal) return { goal: '(reported)', met: '' };
  const { atLeast, atMost, byCpu } = figure.goal;
  const bounds =
    atLeast !== undefined && atLeast === atMost
      ? formatFigure(figure, atLeast)
      : [atLeast === undefined ? '' : `≥ ${formatFigure(figure, atLeast)}`, atMost === undefined ? '' : `≤ ${formatFigure(figure, atMost)}`].join(' ').trim();
  const value = byCpu ? (figure.cpuRatio ?? Number.NaN) : figure.value;
  const met = (atLeast === undefined || value >= atLeast) && (atMost === undefined || value <= atMost);
  return { goal: byCpu ? `${bounds} by CPU/req` : bounds, met: met ? 'yes' : '**no**' };
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Every target this run missed, with the cause named in bench/gaps.ts. */
function gapsSection(figures: readonly Figure[]): string[] {
  const missed = figures.filter((figure) => verdict(figure).met === '**no**');
  if (missed.length === 0) return [];
  return ['', '### Targets not met, and why', '', ...missed.map((figure) => `- **${figure.label}**: ${KNOWN_GAPS[figure.id] ?? 'no cause recorded yet (add one to bench/gaps.ts).'}`)];
}

/** What separates each contender measured against the limit from it, as bench/gaps.ts names it. */
function limitSection(figures: readonly Figure[]): string[] {
  const measured = figures.filter((figure) => figure.limitShare !== undefined);
  if (measured.length === 0) return [];
  return [
    '',
    '### What separates each from the limit',
    '',
    ...measured.map(
      (figure) =>
        `- **${figure.label}** (ours ${figure.limitShare?.subject.toFixed(2)}, the peer ${figure.limitShare?.peer.toFixed(2)} of the limit): ` +
        (LIMIT_GAPS[figure.id] ?? 'no cause recorded yet (add one to bench/gaps.ts).'),
    ),
  ];
}

export function markdownReport(info: RunInfo, figures: Figure[], sections: Section[], baseline: Baseline | undefined, failures: string[]): string {
  const baselineOf = (figure: Figure) => baseline?.figures[figure.id];
  const targets = figures.map((figure) => {
    const before = baselineOf(figure);
    const { goal, met } = verdict(figure);
    const byCpu = figure.cpuRatio === undefined ? '' : `${figure.cpuRatio.toFixed(2)}x`;
    const share = figure.limitShare === undefined ? '' : `${figure.limitShare.subject.toFixed(2)} / ${figure.limitShare.peer.toFixed(2)}`;
    return [figure.label, before === undefined ? '' : formatFigure(figure, before), `**${formatFigure(figure)}**`, byCpu, share, goal, met];
  });
  return [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${info.date} (${info.mode}). Machine: ${info.machine}. Load average when the run started: ${info.load}. ` +
      'Other work on the machine makes absolute figures noisy; each ratio compares contenders measured in the same run, round by round.',
    '',
    '![Ratios against the peers](results.svg)',
    '',
    '## Figures and targets (issue #9)',
    '',
    baseline
      ? `The baseline column is the same benchmark run on ${baseline.recordedAt} at ${baseline.commit} (${baseline.note}).`
      : 'No baseline recorded (`npm run bench -- --record-baseline` records one).',
    '',
    'A throughput ratio is also given by server CPU time per request (the peer\'s over ours), the steadier of the two when other work shares the cores, ' +
      'and as each contender\'s share of the machine\'s limit: a bare node:http server answering the same bytes (or, for the proxy, piping to the same upstream), measured in the same rounds.',
    '',
    table(['figure', 'baseline (before)', 'now', 'by CPU/req', 'share of the limit (ours / peer)', 'goal', 'met'], targets),
    ...(failures.length > 0 ? ['', '**Failures:**', '', ...failures.map((failure) => `- ${failure.split('\n')[0]}`)] : []),
    ...gapsSection(figures),
    ...limitSection(figures),
    '',
    '## Details',
    ...sections.flatMap((section) => ['', `### ${section.title}`, '', section.method, '', table(section.head, section.rows)]),
    '',
    '## How it was measured',
    '',
    ...info.method.map((line) => `- ${line}`),
    '',
    '## Versions',
    '',
    table(['software', 'version'], Object.entries(info.versions)),
    '',
  ].join('\n');
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A horizontal bar per ratio, with its goal marked, and ours and the peer's share of the machine's limit beside it. */
export function svgChart(figures: Figure[]): string {
  const bars = figures
    .filter((figure) => figure.chart)
    .map((figure) => ({ label: figure.label, value: figure.value, goal: figure.goal?.atLeast, byCpu: figure.cpuRatio, limit: figure.limitShare }));
  const labelWidth = 560;
  const barWidth = 300;
  const limitColumn = labelWidth + barWidth + 70;
  const rowHeight = 26;
  const top = 40;
  const scaleMax = Math.max(2.5, ...bars.flatMap(({ value, goal, byCpu }) => [value, goal ?? 0, byCpu ?? 0])) * 1.05;
  const x = (value: number) => labelWidth + (value / scaleMax) * barWidth;
  const height = top + bars.length * rowHeight + 30;
  const rows = bars.map(({ label, value, goal, byCpu, limit }, index) => {
    const y = top + index * rowHeight;
    const colour = goal === undefined ? '#8a8f98' : value >= goal ? '#2e8b57' : '#d2691e';
    return [
      `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escapeXml(label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${Math.max(1, x(value) - labelWidth).toFixed(1)}" height="14" fill="${colour}"/>`,
      byCpu === undefined
        ? ''
        : `<rect x="${labelWidth}" y="${y + 19}" width="${Math.max(1, x(byCpu) - labelWidth).toFixed(1)}" height="4" fill="#333"><title>by server CPU per request: ${byCpu.toFixed(2)}x</title></rect>`,
      `<text x="${(x(value) + 4).toFixed(1)}" y="${y + 17}">${value.toFixed(2)}x</text>`,
      goal === undefined
        ? ''
        : `<line x1="${x(goal).toFixed(1)}" x2="${x(goal).toFixed(1)}" y1="${y + 2}" y2="${y + 24}" stroke="#b22222" stroke-width="2"><title>goal ${goal}x</title></line>`,
      limit === undefined ? '' : `<text x="${limitColumn}" y="${y + 17}">${limit.subject.toFixed(2)} / ${limit.peer.toFixed(2)}</text>`,
    ].join('');
  });
  const one = x(1).toFixed(1);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${limitColumn + 130}" height="${height}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    `<text x="10" y="22" font-size="14" font-weight="bold">bff-auth against its peers (higher is better; red mark: the goal; thin bar: by server CPU per request)</text>`,
    `<line x1="${one}" x2="${one}" y1="${top}" y2="${height - 24}" stroke="#444" stroke-dasharray="4 3"/>`,
    `<text x="${one}" y="${height - 10}" text-anchor="middle">1.0</text>`,
    `<text x="${limitColumn}" y="${top - 4}" font-weight="bold">share of the limit</text>`,
    `<text x="${limitColumn}" y="${height - 10}">ours / the peer's</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
