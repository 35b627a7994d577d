import { bytes, int, type Figure, type Section } from './results.js';
import { KNOWN_GAPS } from '../gaps.js';

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
  B: bytes,
  'µs': (value) => `${int(value)} µs`,
  '/s': (value) => `${int(value)}/s`,
  count: int,
  'yes/no': (value) => (value ? 'yes' : 'no'),
};

export const formatFigure = (figure: Figure, value = figure.value) => formatters[figure.unit](value);

export function verdict(figure: Figure): { goal: string; met: string } {
  if (!figure.goal) return { goal: '(reported)', met: '' };
  const { atLeast, atMost } = figure.goal;
  const goal =
    atLeast !== undefined && atLeast === atMost
      ? formatFigure(figure, atLeast)
      : [atLeast === undefined ? '' : `≥ ${formatFigure(figure, atLeast)}`, atMost === undefined ? '' : `≤ ${formatFigure(figure, atMost)}`].join(' ').trim();
  const met = (atLeast === undefined || figure.value >= atLeast) && (atMost === undefined || figure.value <= atMost);
  return { goal, met: met ? 'yes' : '**no**' };
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

export function markdownReport(info: RunInfo, figures: Figure[], sections: Section[], baseline: Baseline | undefined, failures: string[]): string {
  const baselineOf = (figure: Figure) => baseline?.figures[figure.id];
  const targets = figures.map((figure) => {
    const before = baselineOf(figure);
    const { goal, met } = verdict(figure);
    const byCpu = figure.cpuRatio === undefined ? '' : `${figure.cpuRatio.toFixed(2)}x`;
    return [figure.label, before === undefined ? '' : formatFigure(figure, before), `**${formatFigure(figure)}**`, byCpu, goal, met];
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
    'A throughput ratio is also given by server CPU time per request (the peer\'s over ours), the steadier of the two when other work shares the cores.',
    '',
    table(['figure', 'baseline (before)', 'now', 'by CPU/req', 'goal', 'met'], targets),
    ...(failures.length > 0 ? ['', '**Failures:**', '', ...failures.map((failure) => `- ${failure.split('\n')[0]}`)] : []),
    ...gapsSection(figures),
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

/** A horizontal bar per ratio, with its goal marked. */
export function svgChart(figures: Figure[]): string {
  const bars = figures
    .filter((figure) => figure.chart)
    .map((figure) => ({ label: figure.label, value: figure.value, goal: figure.goal?.atLeast, byCpu: figure.cpuRatio }));
  const labelWidth = 560;
  const barWidth = 300;
  const rowHeight = 26;
  const top = 40;
  const scaleMax = Math.max(2.5, ...bars.flatMap(({ value, goal, byCpu }) => [value, goal ?? 0, byCpu ?? 0])) * 1.05;
  const x = (value: number) => labelWidth + (value / scaleMax) * barWidth;
  const height = top + bars.length * rowHeight + 30;
  const rows = bars.map(({ label, value, goal, byCpu }, index) => {
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
    ].join('');
  });
  const one = x(1).toFixed(1);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + barWidth + 70}" height="${height}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    `<text x="10" y="22" font-size="14" font-weight="bold">bff-auth against its peers (higher is better; red mark: the goal; thin bar: by server CPU per request)</text>`,
    `<line x1="${one}" x2="${one}" y1="${top}" y2="${height - 24}" stroke="#444" stroke-dasharray="4 3"/>`,
    `<text x="${one}" y="${height - 10}" text-anchor="middle">1.0</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
