/**
 * The scorecard as Markdown (one table per pace) and as JSON. Pure: returns strings.
 */
import { table } from '../report/format.js';
import { formatMs } from '../units.js';
import type { ModeResult, ScorecardResult } from './run-scorecard.js';

const HEADER = ['Failure mode', 'Verdict', 'Attempts per provider', 'Time (p50 / max)', 'Evidence'] as const;

export function renderScorecardMarkdown(result: ScorecardResult): string {
  const lines = [`## Failure-mode scorecard: ${result.target}`, ''];
  if (result.interrupted) lines.push('**Interrupted**: the modes below are the ones that finished.', '');
  for (const pace of result.paces) {
    const rows = result.results.filter((r) => r.pace === pace.name);
    if (rows.length === 0) continue;
    const title = pace.name === 'single' ? 'Single requests' : 'Under load';
    lines.push(`### ${title} (${pace.rate}/s)`, '', table(HEADER, rows.map(scorecardRow)), '');
  }
  lines.push(
    `${result.results.length} mode run(s): ${count(result, 'pass')} pass, ${count(result, 'safe')} safe, ${count(result, 'fail')} fail${errors(result)}.`,
    '',
    `Judged on the requests sent while the fault was on the primary. pass: every one got a complete, correct answer. ` +
      `safe: the others got a clean error (an HTTP 4xx/5xx or an in-band stream error event, in OpenAI's error shape) within ${formatMs(result.boundMs)}. ` +
      `fail: a hang (client deadline), a truncated stream presented as complete, a 2xx that is no completion, a masked error, an error not in OpenAI's shape, a dropped connection, ` +
      `a slower error, or the primary hammered (attempts per request above the threshold, from the mocks' logs).`,
  );
  return lines.join('\n');
}

/** One table row: mode, verdict, attempts, time, evidence. */
export function scorecardRow(r: ModeResult): string[] {
  const attempts = Object.entries(r.attempts)
    .sort(([a], [b]) => (a === 'primary' ? -1 : b === 'primary' ? 1 : a.localeCompare(b)))
    .map(([provider, a]) => `${provider} ${a.total} (max ${a.max}/req)`)
    .join(', ');
  const time = r.latency === undefined ? '—' : `${formatMs(r.latency.p50Ms)} / ${formatMs(r.latency.maxMs)}`;
  const evidence = r.verdict === 'error' ? r.evidence : [`${r.requests} in window: ${r.evidence.join(', ')}`];
  if (r.cleanupErrors.length > 0) evidence.push(`cleanup problems: ${r.cleanupErrors.length}`);
  return [`\`${r.mode}\` (${r.story})`, `**${r.verdict}**`, attempts || 'none', time, evidence.join('; ')];
}

export function renderScorecardJson(result: ScorecardResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

function errors(result: ScorecardResult): string {
  const n = count(result, 'error');
  return n === 0 ? '' : `, ${n} not run (harness error)`;
}

function count(result: ScorecardResult, verdict: ModeResult['verdict']): number {
  return result.results.filter((r) => r.verdict === verdict).length;
}
