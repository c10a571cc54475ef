import { describe, expect, it } from 'vitest';
import { aggregate } from '../../src/metrics/aggregate.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import type { RequestRecord } from '../../src/metrics/record.js';

/** 10 req/s for 10 s; the primary is down from 4 s to 6 s and the fallback takes over after 30 ms. */
function drill(): RequestRecord[] {
  const records: RequestRecord[] = [];
  for (let seq = 0; seq < 100; seq++) {
    const intendedMs = seq * 100;
    const inFault = intendedMs >= 4000 && intendedMs < 6000;
    const base = { seq, intendedMs, sentMs: intendedMs + 1 };
    if (seq === 99) records.push({ ...base, sentMs: intendedMs, endMs: intendedMs, outcome: 'dropped' });
    else if (inFault && intendedMs < 4100)
      records.push({ ...base, endMs: intendedMs + 5, outcome: 'failed', failure: 'status_503', status: 503 });
    else if (inFault)
      records.push({ ...base, endMs: intendedMs + 40, outcome: 'ok', provider: 'fallback', attempts: 2 });
    else records.push({ ...base, endMs: intendedMs + 20, outcome: 'ok', provider: 'primary', attempts: 1 });
  }
  return records;
}

const windows = [{ provider: 'primary', type: 'down', atMs: 4000, forMs: 2000, appliedMs: 4000, removedMs: 6000 }];

describe('aggregate', () => {
  const result = aggregate({ records: drill(), scheduled: 100, windows, primary: 'primary', durationMs: 10_000 });

  it('keeps the accounting identity and derives rates from scheduled requests', () => {
    expect(result).toMatchObject({ scheduled: 100, ok: 98, failed: 1, dropped: 1, accountingHolds: true });
    expect(result.successRate).toBeCloseTo(0.98, 9);
    expect(result.failuresPer1k).toBeCloseTo(20, 9);
    expect(result.failedByKind).toEqual({ status_503: 1 });
  });

  it('flags a broken identity', () => {
    const broken = aggregate({ records: drill(), scheduled: 101, windows, primary: 'primary', durationMs: 10_000 });
    expect(broken.accountingHolds).toBe(false);
  });

  it('records failures in the latency histogram, not only successes', () => {
    const histogram = decodeHistogram(result.latencyHistogram);
    expect(histogram.totalCount).toBe(99); // every request but the dropped one
    expect(histogram.minNonZeroValue).toBeLessThanOrEqual(5000 * 1.001); // the 5 ms failure
    expect(result.latency.maxUs).toBeGreaterThanOrEqual(40_000 * 0.999);
  });

  it('splits outcomes by phase and serving provider', () => {
    expect(result.phases.baseline).toMatchObject({ requests: 40, ok: 40, servedBy: { primary: 40 } });
    expect(result.phases.fault).toMatchObject({ requests: 20, ok: 19, failed: 1, servedBy: { fallback: 19 } });
    expect(result.phases.recovery).toMatchObject({ requests: 40, ok: 39, dropped: 1, servedBy: { primary: 39 } });
  });

  it('measures failover time from the confirmed onset to the first fallback success', () => {
    // first fallback success: intended 4100, ends at 4140 -> 140 ms after onset
    expect(result.windows[0]).toMatchObject({ onPrimary: true, requests: 20, ok: 19, failed: 1 });
    expect(result.windows[0]!.failoverMs).toBeCloseTo(140, 6);
  });

  it('has no failover time when nothing else served', () => {
    const single = drill().map((r) =>
      r.provider === 'fallback'
        ? { ...r, outcome: 'failed' as const, provider: undefined, failure: 'reset' as const }
        : r,
    );
    const lone = aggregate({ records: single, scheduled: 100, windows, primary: 'primary', durationMs: 10_000 });
    expect(lone.windows[0]!.failoverMs).toBeUndefined();
    expect(lone.successRate).toBeCloseTo(0.79, 9);
  });

  it('ignores a window the fault plane never confirmed (it did not happen)', () => {
    const never = [...windows, { provider: 'primary', type: 'down', atMs: 8000, forMs: 1000 }];
    const result2 = aggregate({
      records: drill(),
      scheduled: 100,
      windows: never,
      primary: 'primary',
      durationMs: 10_000,
    });
    expect(result2.windows).toHaveLength(1);
    expect(result2.phases.fault.requests).toBe(20);
  });

  it('builds per-second slices that place the failures inside the fault window', () => {
    expect(result.slices).toHaveLength(10);
    expect(result.slices[4]).toMatchObject({
      startMs: 4000,
      offered: 10,
      ok: 9,
      failed: 1,
      failedByKind: { status_503: 1 },
    });
    expect(result.slices[3]!.servedBy).toEqual({ primary: 10 });
    expect(result.slices[5]!.servedBy).toEqual({ fallback: 10 });
  });
});
