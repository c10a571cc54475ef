/**
 * The per-slice timeline: what happened in each time slice (by intended start), so failures can
 * be placed against fault windows and the serving provider can be followed through a drill.
 */
import type { FailureKind, RequestRecord } from './record.js';

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
  for (const record of records) {
    const slice = slices[Math.min(count - 1, Math.floor(record.intendedMs / sliceMs))]!;
    slice.offered++;
    if (record.outcome === 'ok') {
      slice.ok++;
      const provider = record.provider ?? 'unknown';
      slice.servedBy[provider] = (slice.servedBy[provider] ?? 0) + 1;
    } else if (record.outcome === 'dropped') {
      slice.dropped++;
    } else {
      slice.failed++;
      const kind = record.failure ?? 'other';
      slice.failedByKind[kind] = (slice.failedByKind[kind] ?? 0) + 1;
    }
  }
  return slices;
}
