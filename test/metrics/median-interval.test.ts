/** Median intervals across repeated runs: exact binomial coverage, checked by hand and by simulation. */
import { describe, expect, it } from 'vitest';
import { medianInterval } from '../../src/metrics/median-interval.js';
import { seededRandom } from '../../src/random.js';

describe('medianInterval', () => {
  it('uses min..max below 6 runs and says what it covers (1 − 2/2^n)', () => {
    expect(medianInterval([3, 1, 2])).toEqual({ median: 2, low: 1, high: 3, coverage: 0.75, n: 3 });
    expect(medianInterval([5, 1, 4, 2, 3])!.coverage).toBeCloseTo(0.9375, 12);
    expect(medianInterval([4, 1, 3, 2])).toMatchObject({ median: 2.5, low: 1, high: 4, coverage: 0.875 });
  });

  it('narrows once the binomial allows it: 2nd..(n−1)th from 9 runs (96.1%)', () => {
    const i = medianInterval([9, 1, 8, 2, 7, 3, 6, 4, 5])!;
    expect(i).toMatchObject({ median: 5, low: 2, high: 8 });
    expect(i.coverage).toBeCloseTo(1 - (2 * (1 + 9)) / 512, 12);
    expect(medianInterval([])).toBeUndefined();
  });

  it('covers the true median at least as often as it claims (simulated)', () => {
    const random = seededRandom(7);
    let covered = 0;
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      const values = Array.from({ length: 10 }, () => -Math.log(1 - random())); // exponential, median ln 2
      const i = medianInterval(values)!;
      if (i.low <= Math.LN2 && Math.LN2 <= i.high) covered++;
    }
    const claimed = medianInterval(Array.from({ length: 10 }, (_, k) => k))!.coverage;
    expect(claimed).toBeGreaterThanOrEqual(0.95);
    expect(covered / trials).toBeGreaterThan(claimed - 0.02);
  });
});
