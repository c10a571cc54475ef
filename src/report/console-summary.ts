/**
 * What `relaybench run` prints when a run ends, like k6's end-of-test summary: the verdict, the
 * headline table, the fault windows, the gates, the warnings, and where the files are. report.md
 * keeps everything (by phase, by provider, relay events, vendor tables); the console only what a
 * reader needs to decide whether to open it. Pure.
 */
import type { RunResult } from '../scenario/result/result.js';
import { budgetLine } from './budget-line.js';
import { configuration, costSection, faultWindowsSection, gatesSection } from './markdown.js';
import { markdownReportTable } from './report-table.js';
import { configurationsTable } from './tables/configurations.js';

/** @param files what was written (result.json, report.md, report.html), named at the end. */
export function consoleSummary(result: RunResult, files: readonly string[]): string {
  const runs = result.variants?.length ? result.variants.map((v) => v.result) : [result];
  const lines = [`## ${result.scenario.name}: ${verdict(result)}`, ''];
  if (result.abortedBy !== undefined)
    lines.push(`**Stopped early**: ${result.abortedBy}; the figures cover the load up to that point.`, '');
  const budget = budgetLine(result);
  if (budget !== undefined) lines.push(budget, '');
  lines.push(markdownReportTable(configurationsTable(result, configuration(result))));
  for (const run of runs) {
    const named = runs.length > 1 ? ` (${run.scenario.name})` : '';
    lines.push(...faultWindowsSection(run.aggregates).map((l) => (l === '### Fault windows' ? `${l}${named}` : l)));
  }
  lines.push(...gatesSection(result));
  for (const run of runs) lines.push(...warnings(run));
  lines.push(`Full report (by phase, by provider, relay events, cost tables): ${files.join(', ')}`);
  return lines.join('\n');
}

/** PASSED only when gates ran and held; a run without gates checked nothing. */
function verdict(result: RunResult): string {
  if (result.interrupted) return 'INTERRUPTED (partial run)';
  if (!result.passed) return 'FAILED';
  return result.gates.length === 0 ? 'no gates' : 'PASSED';
}

/** What makes the figures less than they seem: unpriced successes, a broken accounting, cleanup. */
function warnings(run: RunResult): string[] {
  const a = run.aggregates;
  const lines = costSection(a).filter((line) => line.startsWith('> **Warning'));
  if (!a.accountingHolds)
    lines.push(
      `**Accounting identity violated**: scheduled ${a.scheduled} != ok ${a.ok} + failed ${a.failed} + dropped ${a.dropped}`,
    );
  if (run.cleanupErrors.length > 0) lines.push(`**Cleanup problems**: ${run.cleanupErrors.join('; ')}`);
  return lines.flatMap((line) => [line, '']);
}
