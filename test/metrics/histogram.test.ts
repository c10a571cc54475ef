import { describe, expect, it } from 'vitest';
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  HISTOGRAM_BOUNDS,
  recordMicros,
  summarize,
} from '../../src/metrics/histogram.js';

describe('histogram', () => {
  it('summarises percentiles in microseconds within 3 significant digits', () => {
    const h = createHistogram();
    for (let i = 1; i <= 1000; i++) recordMicros(h, i * 1000); // 1 ms .. 1 s
    const s = summarize(h);
    expect(s.count).toBe(1000);
    expect(s.p50Us / 500_000).toBeCloseTo(1, 2);
    expect(s.p99Us / 990_000).toBeCloseTo(1, 2);
    expect(s.maxUs / 1_000_000).toBeCloseTo(1, 2);
  });

  it('round-trips through the compressed base64 encoding exactly', () => {
    const h = createHistogram();
    [12.4, 250, 99_000, 2_500_000].forEach((v) => recordMicros(h, v));
    const decoded = decodeHistogram(encodeHistogram(h));
    expect(decoded.totalCount).toBe(4);
    expect(decoded.getValueAtPercentile(99)).toBe(h.getValueAtPercentile(99));
    expect(decoded.minNonZeroValue).toBe(h.minNonZeroValue);
  });

  it('clamps out-of-range values instead of throwing', () => {
    const h = createHistogram();
    recordMicros(h, 0);
    recordMicros(h, HISTOGRAM_BOUNDS.highestUs * 10);
    expect(h.totalCount).toBe(2);
    expect(h.maxValue).toBeGreaterThanOrEqual(HISTOGRAM_BOUNDS.highestUs * 0.999);
  });

  it('summarises an empty histogram as zeros', () => {
    expect(summarize(createHistogram())).toEqual({
      count: 0,
      minUs: 0,
      meanUs: 0,
      p50Us: 0,
      p95Us: 0,
      p99Us: 0,
      maxUs: 0,
    });
  });
});
