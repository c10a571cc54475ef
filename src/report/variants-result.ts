/**
 * A variants run's Markdown (the result is combined by scenario/run/combine-variants.ts): the
 * comparison table first, then each variant's own report. Pure.
 */
import { budgetLine } from './budget-line.js';
import { fleetComparison } from './fleet-section.js';
import { renderMarkdown } from './markdown.js';
import type { RunResult } from '../scenario/result/result.js';
import { markdownReportTable } from './report-table.js';
import { method } from './method.js';
import { reportTables } from './tables/index.js';

export function renderVariantsMarkdown(result: RunResult): string {
  const runs = result.variants ?? [];
  const { scenario } = result;
  const lines = [
    `## ${scenario.name}: ${runs.length} configurations${result.interrupted ? ' (interrupted: partial run)' : ''}`,
    '',
  ];
  if (scenario.description) lines.push(scenario.description.trim(), '');
  const budget = budgetLine(result);
  if (budget !== undefined) lines.push(budget, '');
  // The run's method under the first table only; the others state their own definitions.
  reportTables(result).forEach((t, i) => lines.push(markdownReportTable(t, i === 0 ? undefined : method(result))));
  lines.push(...fleetComparison(runs.map((run) => ({ name: run.name, aggregates: run.result.aggregates }))));
  for (const run of runs) {
    const titled: RunResult = {
      ...run.result,
      scenario: { ...run.result.scenario, name: `${scenario.name} / ${run.name}`, description: '' },
    };
    lines.push(renderMarkdown(titled, { vendorTables: false }).replace(/^(#{2,5}) /gm, '#$1 '), '');
  }
  return lines.join('\n');
}
