import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/record.js';
import { disruptionMs, recoveryMs, servedNothingBefore, sliceAvailability } from '../../src/metrics/recovery.js';
import { buildSlices } from '../../src/metrics/slices.js';

/**
 * 40 req/s for 10 s (one request every 25 ms). The primary is down 3 s .. 5 s: requests fail until
 * 3.6 s, then the fallback serves; after the fault the fallback keeps everything until 6.5 s,
 * then the primary is back.
 */
function drill(): RequestRecord[] {
  return Array.from({ length: 400 }, (_, seq): RequestRecord => {
    const intendedMs = seq * 25;
    const base = { seq, intendedMs, sentMs: intendedMs, endMs: intendedMs + 10 };
    if (intendedMs >= 3000 && intendedMs < 3600) return { ...base, outcome: 'failed', failure: 'status_503' };
    const provider = intendedMs >= 3000 && intendedMs < 6500 ? 'fallback' : 'primary';
    return { ...base, outcome: 'ok', provider };
  });
}

describe('disruption and recovery', () => {
  const fine = buildSlices(drill(), 250, 10_000);

  it('disruption runs from the onset to the first run of four healthy 250 ms slices', () => {
    expect(disruptionMs(fine, 250, 3000)).toBe(750); // the slice 3.5–3.75 s still holds failures
    expect(disruptionMs(fine, 250, 3100)).toBe(650); // onset inside a slice
    expect(disruptionMs(fine, 250, 8000)).toBe(0); // nothing failed after this onset
  });

  it('is undefined when no healthy run begins', () => {
    const failing = buildSlices(
      drill().map((r) => ({ ...r, outcome: 'failed' as const, provider: undefined })),
      250,
      10_000,
    );
    expect(disruptionMs(failing, 250, 3000)).toBeUndefined();
  });

  it('recovery runs from the fault end to the first slice where the primary has half its pre-fault share', () => {
    expect(recoveryMs(fine, 250, 'primary', 3000, 5000)).toBe(1500);
    expect(recoveryMs(fine, 250, 'fallback', 3000, 5000)).toBeUndefined(); // it had no pre-fault share
  });

  it('tells a provider that served nothing before its fault (recovery n/a) from one that did not recover', () => {
    expect(servedNothingBefore(fine, 250, 'fallback', 3000)).toBe(true);
    expect(servedNothingBefore(fine, 250, 'primary', 3000)).toBe(false);
  });

  it('a later window is held to the share from before the first one, not one lowered by an earlier outage', () => {
    // Before 3 s the primary serves everything; 3–6.5 s the fallback does; from 6.5 s the primary
    // serves only every third request (a slow-start ramp); a second fault 8–8.5 s.
    const ramped = drill().map((r) =>
      r.intendedMs >= 6500 && r.seq % 3 !== 0 && r.outcome === 'ok' ? { ...r, provider: 'fallback' } : r,
    );
    const slices = buildSlices(ramped, 250, 10_000);
    // Measured from t=0 the primary's share before 8 s is ~0.55, so a third of the traffic would
    // count as recovered at once; against its pre-fault share (1.0) a third is not half of it.
    expect(recoveryMs(slices, 250, 'primary', 8000, 8500)).toBe(0);
    expect(recoveryMs(slices, 250, 'primary', 8000, 8500, 3000)).toBeUndefined();
  });

  it('slice availability counts 1 s slices at >= 99% success', () => {
    // 3 s .. 4 s has failures (24 of 40): one slice of ten is unhealthy.
    expect(sliceAvailability(buildSlices(drill(), 1000, 10_000))).toBeCloseTo(0.9, 9);
    expect(sliceAvailability([])).toBeUndefined();
  });
});
