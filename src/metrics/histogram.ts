/**
 * HDR histograms, all in one place: microseconds, explicit bounds, 3 significant digits, and a
 * compressed base64 encoding so runs can be merged and compared exactly later.
 */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** 1 µs .. 1 hour: every latency a drill can produce; larger values are clamped (and counted). */
export const HISTOGRAM_BOUNDS = Object.freeze({ lowestUs: 1, highestUs: 3_600_000_000, digits: 3 as const });

export type LatencyHistogram = Histogram;

export function createHistogram(): LatencyHistogram {
  return hdr.build({
    lowestDiscernibleValue: HISTOGRAM_BOUNDS.lowestUs,
    highestTrackableValue: HISTOGRAM_BOUNDS.highestUs,
    numberOfSignificantValueDigits: HISTOGRAM_BOUNDS.digits,
    autoResize: false,
  });
}

/** Records a duration given in microseconds (fractions rounded; clamped into the bounds). */
export function recordMicros(histogram: LatencyHistogram, micros: number): void {
  const value = Math.min(HISTOGRAM_BOUNDS.highestUs, Math.max(HISTOGRAM_BOUNDS.lowestUs, Math.round(micros)));
  histogram.recordValue(value);
}

export function encodeHistogram(histogram: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): LatencyHistogram {
  return hdr.decodeFromCompressedBase64(encoded);
}

/** Percentile summary in microseconds; all zero for an empty histogram. */
export interface LatencySummary {
  count: number;
  minUs: number;
  meanUs: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
  maxUs: number;
}

export function summarize(histogram: LatencyHistogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, minUs: 0, meanUs: 0, p50Us: 0, p95Us: 0, p99Us: 0, maxUs: 0 };
  return {
    count,
    minUs: histogram.minNonZeroValue,
    meanUs: Math.round(histogram.mean),
    p50Us: histogram.getValueAtPercentile(50),
    p95Us: histogram.getValueAtPercentile(95),
    p99Us: histogram.getValueAtPercentile(99),
    maxUs: histogram.maxValue,
  };
}
