import { label } from './messages.js';
import type { DoctorReport } from './run-doctor.js';

const mark = (ok: boolean) => (ok ? '✓' : '✗');

/**
 * The report for a person: per provider what to register and where, then its checks;
 * then the config's problems; then the count. One line per finding.
 */
export function renderReport(report: DoctorReport): string {
  const { lang } = report;
  const lines: string[] = [];
  for (const provider of report.providers) {
    lines.push(`${provider.id} (${provider.name}, ${provider.type})`);
    lines.push(`  ${label(lang, 'redirectUri')}: ${provider.redirectUri}`);
    if (provider.domain) lines.push(`  ${provider.domain.field}: ${provider.domain.value}`);
    if (provider.postLogoutRedirectUri) lines.push(`  ${label(lang, 'postLogoutRedirectUri')}: ${provider.postLogoutRedirectUri}`);
    lines.push(`  ${label(lang, 'console')}: ${provider.console ?? label(lang, 'consoleUnknown')}`);
    for (const finding of report.findings.filter((each) => each.provider === provider.id)) lines.push(`  ${mark(finding.ok)} ${finding.message}`);
    lines.push('');
  }
  const listed = new Set(report.providers.map((provider) => provider.id));
  for (const finding of report.findings.filter((each) => each.provider === undefined || !listed.has(each.provider))) lines.push(`${mark(finding.ok)} ${finding.message}`);
  const problems = report.findings.filter((finding) => !finding.ok).length;
  lines.push(problems === 0 ? label(lang, 'passed') : `${problems} ${label(lang, 'problems')}`);
  return lines.join('\n');
}
