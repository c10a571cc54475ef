/**
 * Configuration | Success Rate | Avg Failures/1K | Worst Case Recovery | ...: one row per
 * configuration (single provider, 2-chain, 3-chain, another gateway), measured under the same
 * seed, load and faults.
 */
import type { Aggregates } from '../../metrics/aggregate.js';
import { formatMs, percent } from '../../units.js';
import { configurationsOf } from '../configurations.js';
import { micros } from '../format.js';
import { method } from '../method.js';
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../../scenario/result/result.js';

export const CONFIGURATIONS_HEADER = [
  'Configuration',
  'Success Rate',
  'Avg Failures/1K',
  'Worst Case Recovery',
  'Requests',
  'p50',
  'p95',
  'p99',
  'Failover time',
];

/** `label` names a single run's row (variants are named by their variant names). */
export function configurationsTable(result: RunResult, label?: string): ReportTable {
  const rows = configurationsOf(result).map(({ name, result: run }) =>
    configurationCells(result.variants?.length ? name : (label ?? name), run.aggregates),
  );
  return {
    id: 'configurations',
    title: 'Configurations',
    header: CONFIGURATIONS_HEADER,
    rows,
    method: `${method(result)}. Success rate = successes / scheduled; failures per 1K = (failed + dropped) / scheduled × 1000; worst case recovery = the longest recovery time (fault end → the primary again serves >= 50% of its pre-fault share) over the faults on the primary; latency from each request's intended start, failures included.`,
  };
}

/** One configuration's row under {@link CONFIGURATIONS_HEADER}. */
export function configurationCells(name: string, a: Aggregates): string[] {
  return [
    name,
    percent(a.successRate),
    a.failuresPer1k.toFixed(1),
    recoveryCell(a),
    String(a.scheduled),
    micros(a.latency.p50Us),
    micros(a.latency.p95Us),
    micros(a.latency.p99Us),
    failoverCell(a),
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
 * share); `not within the run` when one of them did not recover before the end; windows on a
 * primary that served nothing before them are left out.
 */
export function recoveryCell(a: Aggregates): string {
  // A primary that served nothing before its fault has no share to regain: no recovery to time.
  const windows = a.windows.filter((w) => w.onPrimary && w.servedNothingBefore !== true);
  if (windows.length === 0) return 'n/a';
  if (windows.some((w) => w.recoveryMs === undefined)) return 'not within the run';
  return formatMs(Math.max(...windows.map((w) => w.recoveryMs!)));
}
