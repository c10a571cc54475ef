/**
 * How far a measured percentile could move by sampling alone: a distribution-free 95% interval
 * from order statistics. The k-th smallest of n samples lies below the true q-quantile with
 * probability Binomial(n, q) <= k, approximated as normal (mean nq, sd sqrt(nq(1-q))), so the
 * ranks nq ± 1.96 sd bracket it. The p99 of 800 samples is the 792nd value; its interval runs
 * from about the 786th to the 798th, and in a heavy tail those are far apart: a same-seed rerun
 * read 39 ms then 101 ms. Regression checks compare such intervals, not points.
 */
import { decodeHistogram, type LatencyHistogram } from './histogram.js';

export interface PercentileInterval {
  /** The percentile's value in the sample, µs. */
  readonly pointUs: number;
  readonly lowUs: number;
  readonly highUs: number;
}

const Z_95 = 1.96;

/**
 * The 95% interval of `percentile` (0-100) of the recorded sample (an HDR histogram or its
 * encoding); undefined for an empty one.
 */
export function percentileInterval(
  sample: LatencyHistogram | string,
  percentile: number,
): PercentileInterval | undefined {
  const histogram = typeof sample === 'string' ? decodeHistogram(sample) : sample;
  const n = histogram.totalCount;
  if (n === 0) return undefined;
  const q = percentile / 100;
  const spread = Z_95 * Math.sqrt(n * q * (1 - q));
  const lowRank = Math.max(1, Math.floor(n * q - spread));
  const highRank = Math.min(n, Math.ceil(n * q + spread) + 1);
  const atRank = (rank: number): number => histogram.getValueAtPercentile((100 * rank) / n);
  return { pointUs: histogram.getValueAtPercentile(percentile), lowUs: atRank(lowRank), highUs: atRank(highRank) };
}
