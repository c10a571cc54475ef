/**
 * The top of the HTML report: what ran (scenario, description, when, where, seed), the verdict,
 * and the gates. Useful on its own, whatever tables follow.
 */
import { budgetLine } from '../budget-line.js';
import { formatGateValue } from '../format.js';
import type { GateEntry, RunResult } from '../../scenario/result/result.js';
import { escapeHtml } from './escape.js';
import { htmlTable } from './html-table.js';

export function headerHtml(result: RunResult): string {
  const { scenario, machine } = result;
  const verdict = verdictHtml(result);
  const facts: Array<[string, string]> = [
    ['Scenario file', scenario.file],
    ['Started', result.startedAt],
    ['Finished', result.finishedAt],
    ['Seed', String(scenario.seed)],
    ['Target', target(result)],
    [
      'Machine',
      `${machine.platform}, ${machine.cpus} \u00d7 ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
    ],
    ['Fault plane', result.faultPlane.embedded ? 'embedded (Toxiproxy-compatible)' : 'external Toxiproxy'],
    ...(result.budget && !result.budget.reached
      ? [['Budget', budgetLine(result)!.replace(/^Budget: /, '')] as [string, string]]
      : []),
  ];
  const notes = [
    ...(result.interrupted ? ['Interrupted: this is a partial run.'] : []),
    ...(result.abortedBy !== undefined
      ? [`Stopped early by ${result.abortedBy}; the figures cover the load up to that point.`]
      : []),
    ...(result.budget?.reached ? [budgetLine(result)!] : []),
    ...(result.aggregates.accountingHolds
      ? []
      : ['Accounting identity violated: scheduled \u2260 ok + failed + dropped.']),
    ...result.cleanupErrors.map((e) => `Cleanup problem: ${e}`),
  ];
  return [
    '<header>',
    `<h1>${escapeHtml(scenario.name)} ${verdict}</h1>`,
    scenario.description.trim() ? `<p class="description">${escapeHtml(scenario.description.trim())}</p>` : '',
    ...notes.map((n) => `<p class="warning">${escapeHtml(n)}</p>`),
    '<dl class="facts">',
    ...facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`),
    '</dl>',
    '</header>',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * PASSED only when gates ran and held: a run without gates checked nothing, so it says so
 * (unless it was interrupted or stopped, which fails it whatever its gates).
 */
function verdictHtml(result: RunResult): string {
  if (!result.passed) return '<span class="verdict fail">FAILED</span>';
  if (result.gates.length === 0) return '<span class="verdict none">no gates</span>';
  return '<span class="verdict pass">PASSED</span>';
}

export function gatesHtml(result: RunResult): string {
  if (result.gates.length === 0) return '';
  const variants = result.gates.some((g) => variantOf(g) !== undefined);
  const header = ['Gate', ...(variants ? ['Variant'] : []), 'Measured', 'Result'];
  const rows = result.gates.map((g) => [
    `${g.key ?? g.metric}: ${g.expression}${g.origin === 'baseline' ? ' (baseline)' : ''}`,
    ...(variants ? [variantOf(g) ?? 'all'] : []),
    g.actual === null ? (g.note ?? 'no data') : formatGateValue(g.metric, g.actual),
    g.passed ? 'pass' : 'FAIL',
  ]);
  return ['<section id="gates">', '<h2><a href="#gates">Gates</a></h2>', htmlTable(header, rows), '</section>'].join(
    '\n',
  );
}

/** The target and chain; for a variants run, each variant's. */
function target(result: RunResult): string {
  const describe = (t: RunResult['scenario']['target']): string =>
    `${t.kind}${t.chain.length > 0 ? `, chain ${t.chain.join(' \u2192 ')}` : ''}`;
  if (!result.variants?.length) return describe(result.scenario.target);
  return result.variants.map((v) => `${v.name}: ${describe(v.result.scenario.target)}`).join('; ');
}

/** A variants run's gates carry the variant they were evaluated on (variants-result.ts). */
function variantOf(gate: GateEntry): string | undefined {
  return (gate as GateEntry & { variant?: string }).variant;
}
