import { describe, expect, it } from 'vitest';
import { LatencyTracker, trackerDefaults, validateTrackerOptions } from '../../../src/relay/routing/latency-tracker.js';

describe('LatencyTracker', () => {
  const setup = () => {
    let now = 0;
    const tracker = new LatencyTracker(
      { ...trackerDefaults, alpha: 0.5, errorHalfLifeMs: 1_000, errorPenalty: 10 },
      () => now,
    );
    return { tracker, advance: (ms: number) => (now += ms) };
  };

  it('keeps an EWMA of latency, starting at the first sample', () => {
    const { tracker } = setup();
    tracker.begin('a');
    tracker.end('a', 100, false);
    expect(tracker.get('a').latencyMs).toBe(100);
    tracker.begin('a');
    tracker.end('a', 200, false);
    expect(tracker.get('a').latencyMs).toBe(150);
  });

  it('scores by latency, load and errors; the error penalty decays while idle', () => {
    const { tracker, advance } = setup();
    tracker.begin('a');
    tracker.end('a', 100, false);
    expect(tracker.score('a')).toBe(100);
    tracker.begin('a');
    expect(tracker.score('a')).toBe(200); // one in flight
    tracker.end('a', undefined, true); // a failure without latency evidence
    expect(tracker.get('a').errorRate).toBe(0.5);
    expect(tracker.score('a')).toBe(100 * (1 + 10 * 0.5));
    advance(1_000); // one half-life
    expect(tracker.score('a')).toBeCloseTo(100 * (1 + 10 * 0.25));
  });

  it('estimates p95 once it has enough samples, across generations', () => {
    let now = 0;
    const tracker = new LatencyTracker({ ...trackerDefaults, quantileGeneration: 100 }, () => now);
    for (let i = 1; i <= 19; i++) tracker.end('a', i, false);
    expect(tracker.p95('a')).toBeUndefined();
    for (let i = 20; i <= 100; i++) tracker.end('a', i, false); // generation full: swapped
    const p95 = tracker.p95('a')!;
    expect(p95).toBeGreaterThan(85);
    expect(p95).toBeLessThanOrEqual(100);
    tracker.end('a', 5, false); // the new generation is too young: the previous one answers
    expect(tracker.p95('a')).toBe(p95);
    now += 1;
  });

  it('rejects invalid options naming the field', () => {
    expect(() => validateTrackerOptions({ ...trackerDefaults, alpha: 0 })).toThrow(
      /tracker\.alpha: expected a number in \(0, 1\], got 0/,
    );
  });
});
