/**
 * The per-slice timeline: what happened in each time slice (by intended start), so failures can
 * be placed against fault windows and the serving provider can be followed through a drill.
 */
import { latencyMicros, UNATTRIBUTED, type FailureKind, type RequestRecord } from './record.js';

export interface Slice {
  /** Slice start, ms since load start. */
  startMs: number;
  offered: number;
  ok: number;
  failed: number;
  dropped: number;
  failedByKind: Partial<Record<FailureKind, number>>;
  /** Successful requests per serving provider. */
  servedBy: Record<string, number>;
  /**
   * Latency percentiles (µs, nearest rank, exact) of the slice's completed and failed requests;
   * absent for a slice without any. Exact sort, not HDR: a slice holds few values.
   */
  p50Us?: number;
  p99Us?: number;
  /**
   * The same percentiles over the slice's successes only (absent without any): fast failures
   * (an instant 503) pull the all-requests figures down, so a failing provider would look fastest.
   */
  okP50Us?: number;
  okP99Us?: number;
}

export function buildSlices(records: readonly RequestRecord[], sliceMs: number, durationMs: number): Slice[] {
  const count = Math.max(1, Math.ceil(durationMs / sliceMs));
  const slices: Slice[] = Array.from({ length: count }, (_, i) => ({
    startMs: i * sliceMs,
    offered: 0,
    ok: 0,
    failed: 0,
    dropped: 0,
    failedByKind: {},
    servedBy: {},
  }));
  const latencies: number[][] = Array.from({ length: count }, () => []);
  const okLatencies: number[][] = Array.from({ length: count }, () => []);
  for (const record of records) {
    const index = Math.min(count - 1, Math.max(0, Math.floor(record.intendedMs / sliceMs)));
    const slice = slices[index]!;
    slice.offered++;
    if (record.outcome === 'ok') {
      slice.ok++;
      const provider = record.provider ?? UNATTRIBUTED;
      slice.servedBy[provider] = (slice.servedBy[provider] ?? 0) + 1;
    } else if (record.outcome === 'dropped') {
      slice.dropped++;
    } else {
      slice.failed++;
      const kind = record.failure ?? 'other';
      slice.failedByKind[kind] = (slice.failedByKind[kind] ?? 0) + 1;
    }
    if (record.outcome !== 'dropped') latencies[index]!.push(latencyMicros(record));
    if (record.outcome === 'ok') okLatencies[index]!.push(latencyMicros(record));
  }
  slices.forEach((slice, i) => {
    const all = percentiles(latencies[i]!);
    if (all === undefined) return;
    [slice.p50Us, slice.p99Us] = all;
    const ok = percentiles(okLatencies[i]!);
    if (ok !== undefined) [slice.okP50Us, slice.okP99Us] = ok;
  });
  return slices;
}

/** p50 and p99 (µs, nearest rank) of a slice's values; undefined when it has none. */
function percentiles(values: readonly number[]): [number, number] | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  return [Math.round(nearestRank(sorted, 50)), Math.round(nearestRank(sorted, 99))];
}

/** Nearest-rank percentile of ascending values (non-empty). */
export function nearestRank(sorted: ArrayLike<number>, percentile: number): number {
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[rank - 1]!;
}
