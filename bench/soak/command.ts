import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { ensureBuilt } from '../../test/support/built-dist.js';
import { analyse, SOAK_BEGIN, SOAK_END, soakMarkdown, soakSvg } from './report.js';
import { runSoak } from './run.js';

/**
 * `npm run bench -- --soak [minutes]`: runs the soak, prints each criterion's verdict, writes the
 * Endurance section of bench/RESULTS.md (the rest of the file as it was) and bench/soak.svg, and
 * answers the exit code: 1 when a criterion fails.
 */
export async function soak(minutes: number, previousReport: string, here: (file: string) => URL): Promise<number> {
  const load = loadavg().map((value) => value.toFixed(2)).join(', ');
  // The BFF processes run the bin over dist/, as a user runs it.
  await ensureBuilt();
  console.log(`soak: ${minutes} min`);
  const run = await runSoak(minutes, (line) => console.log(line));
  const analysis = analyse(run);
  for (const { at, how } of run.anomalies.losses) console.log(`  session lost at ${((at - run.startedAt) / 1000).toFixed(1)} s (${how})`);
  for (const verdict of analysis.verdicts) console.log(`${verdict.pass === false ? 'FAIL' : verdict.pass ? 'pass' : 'n/a '}  ${verdict.criterion}: ${verdict.value}`);
  const section = soakMarkdown(run, analysis, { date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC', load });
  const report = previousReport.includes(SOAK_BEGIN)
    ? previousReport.slice(0, previousReport.indexOf(SOAK_BEGIN)) + section + previousReport.slice(previousReport.indexOf(SOAK_END) + SOAK_END.length)
    : `${previousReport.trimEnd()}\n\n${section}\n`;
  await writeFile(here('RESULTS.md'), report);
  await writeFile(here('soak.svg'), soakSvg(analysis.rows));
  console.log('\nWrote the Endurance section of bench/RESULTS.md and bench/soak.svg');
  return analysis.verdicts.some((verdict) => verdict.pass === false) ? 1 : 0;
}
