/**
 * The Markdown report (GitHub-flavoured, fit for a CI job summary). Pure: returns a string.
 * Every figure is defined in the README's metric definitions.
 */
import { fleetSection } from './fleet-section.js';
import { shardsSection } from './shards-section.js';
import type { Aggregates } from '../metrics/aggregate.js';
import { budgetLine } from './budget-line.js';
import { formatGateValue, micros, signedMs, table, usd } from './format.js';
import { byProviderTable } from './sections/by-provider.js';
import { faultWindowsTable } from './sections/fault-windows.js';
import { phasesTable } from './sections/phases.js';
import { relayEventRows } from './sections/relay-events.js';
import { runFactLines } from './sections/run-facts.js';
import { markdownSection, type SectionTable } from './sections/section-table.js';
import { markdownReportTable } from './report-table.js';
import { method } from './method.js';
import { reportTables } from './tables/index.js';
import { configurationsTable } from './tables/configurations.js';
import type { RunResult } from '../scenario/result/result.js';

export interface MarkdownOptions {
  /** The vendor-style tables after the run's own sections (default true; a variant's section in a variants report leaves them to the comparison). */
  vendorTables?: boolean;
}

export function renderMarkdown(result: RunResult, options: MarkdownOptions = {}): string {
  const { aggregates: a, scenario } = result;
  const lines: string[] = [];
  lines.push(`## ${scenario.name}${result.interrupted ? ' (interrupted: partial run)' : ''}`, '');
  if (result.abortedBy !== undefined)
    lines.push(`**Stopped early**: ${result.abortedBy}; the figures cover the load up to that point.`, '');
  const budget = budgetLine(result);
  if (budget !== undefined) lines.push(budget, '');
  if (scenario.description) lines.push(scenario.description.trim(), '');
  lines.push(markdownReportTable(configurationsTable(result, configuration(result))));
  const vendorTables =
    options.vendorTables === false ? [] : reportTables(result).filter((t) => t.id !== 'configurations');

  lines.push(...shardsSection(result.shards));
  lines.push(...faultWindowsSection(a));
  lines.push(...section(phasesTable(result)));

  lines.push(
    ...providerSection(a),
    ...penaltySection(a),
    ...(vendorTables.some((t) => t.id === 'cost-by-book') ? [] : costSection(a)),
  );

  lines.push(...fleetSection(a));
  lines.push(...relayEventLines(a.relayEvents));
  for (const fact of runFactLines(a)) lines.push(fact, '');

  for (const t of vendorTables) lines.push(markdownReportTable(t, method(result)));

  lines.push(...gatesSection(result));
  if (result.cleanupErrors.length > 0) lines.push(`**Cleanup problems**: ${result.cleanupErrors.join('; ')}`, '');
  return lines.join('\n');
}

export function configuration(result: RunResult): string {
  const chain = result.scenario.target.chain;
  const shape = chain.length === 1 ? 'single provider' : `${chain.length}-provider chain`;
  return `${result.scenario.target.kind} relay, ${shape} (${chain.join(' → ')})`;
}

function gateActual(metric: string, actual: number | null, note: string | undefined): string {
  if (actual === null) return note ?? 'no data';
  return formatGateValue(metric, actual);
}

/** Per serving provider: how many it served, its latency and (for streams) TTFT. */
export function providerSection(a: Aggregates): string[] {
  return section(byProviderTable(a));
}

/** A section table's Markdown; nothing for a table the run does not have. */
function section(t: SectionTable | undefined): string[] {
  return t === undefined ? [] : markdownSection(t);
}

/** The failover latency penalty: successes that needed a fallback vs those that did not. */
export function penaltySection(a: Aggregates): string[] {
  const p = a.failoverPenalty;
  if (!p || p.fallback.count === 0) return [];
  const direct =
    p.direct.count > 0
      ? `; without: p50 ${micros(p.direct.p50Us)}, p99 ${micros(p.direct.p99Us)} (${p.direct.count})`
      : '';
  const delta =
    p.p50DeltaUs !== undefined && p.p99DeltaUs !== undefined
      ? ` → penalty p50 ${signedMs(p.p50DeltaUs / 1000)}, p99 ${signedMs(p.p99DeltaUs / 1000)}`
      : '';
  return [
    `Failover latency penalty: requests that needed a fallback p50 ${micros(p.fallback.p50Us)}, p99 ${micros(p.fallback.p99Us)} (${p.fallback.count})${direct}${delta}`,
    '',
  ];
}

/** Cost lines, when the run's successes could be priced. */
export function costSection(a: Aggregates): string[] {
  const c = a.cost;
  if (!c) return [];
  const lines: string[] = [];
  if (c.priced > 0 && a.costUsd !== undefined && a.costPer1k !== undefined)
    lines.push(
      `Cost (${c.book} prices): ${usd(a.costPer1k)} per 1K requests, ${usd(a.costUsd)} in total for ${c.priced} priced successes`,
      '',
    );
  if (c.unpriced > 0) lines.push(unpricedWarning(c), '');
  return lines;
}

/** Unpriced successes are left out of every cost figure: say so where nobody can miss it. */
function unpricedWarning(c: NonNullable<Aggregates['cost']>): string {
  const why =
    c.unpricedModels.length > 0
      ? `no price in ${c.book} for ${c.unpricedModels.join(', ')} (add the name, or an alias, to the book)`
      : 'the responses reported no usage';
  return `> **Warning: ${c.unpriced} of ${c.priced + c.unpriced} successes could not be priced** (${why}); the cost figures leave them out.`;
}

/** The relay's own breaker transitions and cooldowns, on the load's clock: the first 20 as a list. */
function relayEventLines(events: Aggregates['relayEvents']): string[] {
  if (events.length === 0) return [];
  // A fleet's events say which replica saw them.
  const shown = relayEventRows(events.slice(0, 20)).map(
    (r) => `- ${r.at} s${r.replica === undefined ? '' : ` (${r.replica})`}: ${r.what}`,
  );
  const more = events.length > 20 ? [`- … and ${events.length - 20} more in result.json`] : [];
  return ['### Relay events', '', ...shown, ...more, ''];
}

/** Each fault window: its requests, failures, failover, disruption and recovery. */
export function faultWindowsSection(a: Aggregates): string[] {
  return section(faultWindowsTable(a));
}

/** Every gate with its measured value and verdict. */
export function gatesSection(result: RunResult): string[] {
  if (result.gates.length === 0) return [];
  const lines = ['### Gates', ''];
  const rows = result.gates.map((g) => [
    `\`${g.key ?? g.metric}: ${g.expression}\`${g.origin === 'baseline' ? ' (baseline)' : ''}`,
    gateActual(g.metric, g.actual, g.note),
    g.passed ? 'pass' : '**FAIL**',
  ]);
  lines.push(table(['Gate', 'Actual', 'Result'], rows), '');
  return lines;
}
