/**
 * The fleet part of a report: per-replica counts, each provider fault window's breaker
 * convergence and attempts on the dead provider (whole fleet and per replica), budget overspend;
 * and for a variants run, the fleet figures of every configuration side by side (with vs without
 * Redis). Pure: aggregates in, Markdown lines out.
 */
import type { Aggregates } from '../metrics/aggregate.js';
import type { WindowFleetMetrics } from '../metrics/fleet.js';
import { formatMs } from '../units.js';
import { table } from './format.js';

/** One fleet table as data, so the Markdown and the HTML report print the same figures. */
export interface FleetTable {
  /** What the table shows (the HTML report's caption; the Markdown report prints the table alone). */
  readonly caption: string;
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** A single run's fleet tables (replicas, fault windows, budgets); empty when the run was not a fleet. */
export function fleetTables(a: Aggregates): FleetTable[] {
  const fleet = a.fleet;
  if (fleet === undefined) return [];
  const tables: FleetTable[] = [];
  if (fleet.replicas.length > 1) {
    const rows = fleet.replicas.map((r) => [`replica-${r.replica}`, String(r.sent), String(r.ok), String(r.failed)]);
    tables.push({ caption: 'Per replica', header: ['Replica', 'Sent', 'Served (ok)', 'Failed'], rows });
  }
  if (fleet.windows.length > 0) {
    const rows = fleet.windows.map((w) => [
      `${w.type} on ${w.provider}`,
      `${formatMs(w.startMs)} – ${formatMs(w.endMs)}`,
      `${w.opened} of ${w.replicas}`,
      convergence(w),
      String(w.attempts),
      w.attemptsByReplica.join(' / '),
    ]);
    const header = ['Fault', 'Window', 'Breakers opened', 'Convergence', 'Attempts on it', 'Per replica'];
    tables.push({ caption: 'Breaker convergence and attempts on the dead provider, per fault window', header, rows });
  }
  if (fleet.budgets.length > 0) {
    const rows = fleet.budgets.map((b) => [
      b.client,
      usd(b.budgetUsd),
      usd(b.spentUsd),
      usd(b.overspendUsd),
      String(b.refused),
    ]);
    const header = ['Client key', 'Budget', 'Spent', 'Overspend', 'Refused (429)'];
    tables.push({ caption: 'Budget overspend', header, rows });
  }
  return tables;
}

/** A single run's fleet section in Markdown; empty when the run was not a fleet. */
export function fleetSection(a: Aggregates): string[] {
  if (a.fleet === undefined) return [];
  const tables = fleetTables(a);
  return ['### Fleet', '', ...tables.flatMap((t) => [table(t.header, t.rows), ''])];
}

/** Every configuration's fleet figures in one table (a variants run); undefined unless some are fleets. */
export function fleetComparisonTable(
  runs: ReadonlyArray<{ name: string; aggregates: Aggregates }>,
): FleetTable | undefined {
  const rows = runs.flatMap(({ name, aggregates }) => {
    const fleet = aggregates.fleet;
    if (fleet === undefined) return [];
    const windows = fleet.windows.length > 0 ? fleet.windows : [undefined];
    const spentOver = fleet.budgets.reduce((sum, b) => sum + b.overspendUsd, 0);
    return windows.map((w) => [
      name,
      w === undefined ? '—' : `${w.type} on ${w.provider}`,
      w === undefined ? '—' : String(w.attempts),
      w === undefined ? '—' : `${w.opened} of ${w.replicas}`,
      w === undefined ? '—' : convergence(w),
      fleet.budgets.length === 0 ? '—' : usd(spentOver),
      fleet.replicas.map((r) => r.failed).join(' / '),
    ]);
  });
  if (rows.length === 0) return undefined;
  const header = [
    'Configuration',
    'Fault',
    'Attempts on it',
    'Breakers opened',
    'Convergence',
    'Overspend',
    'Failed per replica',
  ];
  return { caption: 'Fleet, by configuration', header, rows };
}

/** The comparison in Markdown; empty unless some configuration is a fleet. */
export function fleetComparison(runs: ReadonlyArray<{ name: string; aggregates: Aggregates }>): string[] {
  const t = fleetComparisonTable(runs);
  if (t === undefined) return [];
  return ['### Fleet, by configuration', '', table(t.header, t.rows), ''];
}

function convergence(w: WindowFleetMetrics): string {
  if (w.convergenceMs !== undefined) return formatMs(w.convergenceMs);
  return w.opened === 0 ? 'no breaker opened' : `${w.replicas - w.opened} never opened`;
}

function usd(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 2)}`;
}
