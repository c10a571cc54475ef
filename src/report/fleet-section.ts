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

/** A single run's fleet section; empty when the run was not a fleet. */
export function fleetSection(a: Aggregates): string[] {
  const fleet = a.fleet;
  if (fleet === undefined) return [];
  const lines = ['### Fleet', ''];
  if (fleet.replicas.length > 1) {
    const rows = fleet.replicas.map((r) => [`replica-${r.replica}`, String(r.sent), String(r.ok), String(r.failed)]);
    lines.push(table(['Replica', 'Sent', 'Served (ok)', 'Failed'], rows), '');
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
    lines.push(table(header, rows), '');
  }
  if (fleet.budgets.length > 0) {
    const rows = fleet.budgets.map((b) => [
      b.client,
      usd(b.budgetUsd),
      usd(b.spentUsd),
      usd(b.overspendUsd),
      String(b.refused),
    ]);
    lines.push(table(['Client key', 'Budget', 'Spent', 'Overspend', 'Refused (429)'], rows), '');
  }
  return lines;
}

/** Every configuration's fleet figures in one table (a variants run); empty unless some are fleets. */
export function fleetComparison(runs: ReadonlyArray<{ name: string; aggregates: Aggregates }>): string[] {
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
  if (rows.length === 0) return [];
  const header = [
    'Configuration',
    'Fault',
    'Attempts on it',
    'Breakers opened',
    'Convergence',
    'Overspend',
    'Failed per replica',
  ];
  return ['### Fleet, by configuration', '', table(header, rows), ''];
}

function convergence(w: WindowFleetMetrics): string {
  if (w.convergenceMs !== undefined) return formatMs(w.convergenceMs);
  return w.opened === 0 ? 'no breaker opened' : `${w.replicas - w.opened} never opened`;
}

function usd(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 2)}`;
}
