/**
 * The comparison table of a variants run: one row per configuration, measured under the same
 * seed, load and faults. Pure: returns Markdown.
 *
 * | Configuration | Requests | Success Rate | Failures/1K | p50 | p95 | p99 | Failover time | Worst recovery |
 */
import type { Aggregates } from '../metrics/aggregate.js';
import { formatMs } from '../scenario/units.js';

export const VARIANTS_HEADER = ['Configuration', 'Requests', 'Success Rate', 'Failures/1K', 'p50', 'p95', 'p99', 'Failover time', 'Worst recovery'] as const;

export interface VariantRow {
  /** The variant's name, e.g. `single`, `primary → secondary`, `direct`. */
  name: string;
  aggregates: Aggregates;
}

export function renderVariantsTable(rows: readonly VariantRow[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(VARIANTS_HEADER), line(VARIANTS_HEADER.map(() => '---')), ...rows.map((row) => line(variantCells(row)))].join('\n');
}

export function variantCells({ name, aggregates: a }: VariantRow): string[] {
  return [
    name,
    String(a.scheduled),
    `${(a.successRate * 100).toFixed(2)}%`,
    a.failuresPer1k.toFixed(1),
    formatMs(a.latency.p50Us / 1000),
    formatMs(a.latency.p95Us / 1000),
    formatMs(a.latency.p99Us / 1000),
    failoverCell(a),
    recoveryCell(a),
  ];
}

/** The worst failover over windows on the primary; `none` when no fallback ever served. */
export function failoverCell(a: Aggregates): string {
  const windows = a.windows.filter((w) => w.onPrimary);
  if (windows.length === 0) return 'n/a';
  if (windows.every((w) => w.failoverMs === undefined)) return 'none';
  if (windows.some((w) => w.failoverMs === undefined)) return 'not in every window';
  return formatMs(Math.max(...windows.map((w) => w.failoverMs!)));
}

/**
 * The worst recovery time over the windows on the primary (recovery is the primary regaining its
 * share); `not within the run` when one of them did not recover before the end.
 */
export function recoveryCell(a: Aggregates): string {
  const windows = a.windows.filter((w) => w.onPrimary);
  if (windows.length === 0) return 'n/a';
  if (windows.some((w) => w.recoveryMs === undefined)) return 'not within the run';
  return formatMs(Math.max(...windows.map((w) => w.recoveryMs!)));
}
