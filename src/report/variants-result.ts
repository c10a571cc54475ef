/**
 * A variants run as one result: every variant's full result under `variants`, the top-level
 * fields those of the first variant (so tools reading a single-run result still work), `passed`
 * only if every variant passed. And its Markdown: the comparison table first, then each variant's
 * own report. Pure.
 */
import { renderMarkdown } from './markdown.js';
import type { RunResult, VariantRun } from './result.js';
import { markdownReportTable } from './report-table.js';
import { reportTables } from './tables/index.js';

export function combineVariants(runs: readonly VariantRun[]): RunResult {
  const first = runs[0];
  if (first === undefined) throw new Error('combineVariants: no variant ran');
  return {
    ...first.result,
    finishedAt: runs[runs.length - 1]!.result.finishedAt,
    interrupted: runs.some((r) => r.result.interrupted),
    passed: runs.every((r) => r.result.passed),
    gates: runs.flatMap((r) => r.result.gates.map((g) => ({ ...g, variant: r.name }))),
    processes: runs.flatMap((r) => r.result.processes),
    cleanupErrors: runs.flatMap((r) => r.result.cleanupErrors),
    variants: [...runs],
  };
}

export function renderVariantsMarkdown(result: RunResult): string {
  const runs = result.variants ?? [];
  const { scenario } = result;
  const lines = [
    `## ${scenario.name}: ${runs.length} configurations${result.interrupted ? ' (interrupted: partial run)' : ''}`,
    '',
  ];
  if (scenario.description) lines.push(scenario.description.trim(), '');
  for (const t of reportTables(result)) lines.push(markdownReportTable(t));
  for (const run of runs) {
    const titled: RunResult = {
      ...run.result,
      scenario: { ...run.result.scenario, name: `${scenario.name} / ${run.name}`, description: '' },
    };
    lines.push(renderMarkdown(titled, { vendorTables: false }).replace(/^(#{2,5}) /gm, '#$1 '), '');
  }
  return lines.join('\n');
}
