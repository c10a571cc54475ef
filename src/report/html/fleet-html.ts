/**
 * report.html's Fleet section: the same tables as report.md's (`fleet-section.ts`): per replica
 * sent, served and failed; per provider fault window, how many breakers opened, their convergence
 * and the attempts on the dead provider (fleet and per replica); budget overspend. A variants run
 * shows every configuration's figures side by side. Empty when no run was a fleet.
 */
import type { RunResult } from '../../scenario/result/result.js';
import { fleetComparisonTable, fleetTables, type FleetTable } from '../fleet-section.js';
import { escapeHtml } from './escape.js';
import { htmlTable } from './html-table.js';

const METHOD =
  'Convergence: the last replica\u2019s breaker open minus the first\u2019s, within the fault window ' +
  '(\u201cnever opened\u201d when some replica did not). Attempts on it: the requests the provider\u2019s mock logged for ' +
  'requests started in the window, whole fleet and per replica. Overspend: spend (successes priced in the run\u2019s ' +
  'price book) beyond the budget.';

export function fleetHtml(result: RunResult): string {
  const variants = result.variants ?? [];
  const tables =
    variants.length > 0
      ? [fleetComparisonTable(variants.map((v) => ({ name: v.name, aggregates: v.result.aggregates })))]
      : fleetTables(result.aggregates);
  const shown = tables.filter((t): t is FleetTable => t !== undefined);
  if (shown.length === 0) return '';
  return [
    '<section class="report-table" id="fleet">',
    '<h2><a href="#fleet">Fleet</a></h2>',
    ...shown.flatMap((t) => [`<h3>${escapeHtml(t.caption)}</h3>`, htmlTable(t.header, t.rows)]),
    `<p class="method">Method: ${escapeHtml(METHOD)}</p>`,
    '</section>',
  ].join('\n');
}
