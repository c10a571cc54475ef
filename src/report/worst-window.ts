/** The worst failover, disruption or recovery over a run's fault windows (compare and repeat tables). */
import type { Aggregates } from '../metrics/aggregate.js';

/** The worst value over fault windows (failover: those on the primary); undefined without windows or when one has none. */
export function worstWindow(a: Aggregates, field: 'failoverMs' | 'disruptionMs' | 'recoveryMs'): number | undefined {
  const windows = field === 'failoverMs' ? a.windows.filter((w) => w.onPrimary) : a.windows;
  const values = windows.map((w) => w[field]);
  if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
  return Math.max(...(values as number[]));
}
