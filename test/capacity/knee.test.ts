/** The knee and frontier rules on hand-made steps: a one-step p99 blip is not a knee; a frontier is a leading run. */
import { describe, expect, it } from 'vitest';
import { analyseCapacity, kneeOf } from '../../src/metrics/capacity-frontier.js';
import type { CapacityStep } from '../../src/metrics/capacity-steps.js';

const step = (rate: number, p99Ms: number, successRate = 1): CapacityStep => ({
  rate,
  startMs: 0,
  scheduled: 100,
  ok: Math.round(100 * successRate),
  failed: 100 - Math.round(100 * successRate),
  dropped: 0,
  achievedPerSecond: rate * successRate,
  successRate,
  p50Ms: p99Ms / 2,
  p99Ms,
});

describe('knee', () => {
  // p99 per step (ms) at 10, 20, 30... req/s; success 90% on every step for the success case.
  it.each([
    ['a blip that falls back, then a lasting rise', [30, 80, 32, 35, 90, 200], 1, 50, 'latency'],
    ['success lost from the first step', [30, 31], 0.9, 10, 'success'],
    ['a rise on the last step alone', [30, 31, 33, 70], 1, 40, 'latency'],
    ['no breach (59 ms is under 2 x 31 ms)', [30, 31, 33, 59], 1, null, undefined],
  ])('%s', (_, p99s, success, rate, reason) => {
    const knee = kneeOf(p99s.map((p, i) => step((i + 1) * 10, p, success)));
    expect(knee?.rate ?? null).toBe(rate);
    expect(knee?.reason).toBe(reason);
  });

  it('a frontier is the last step of the leading run that holds, against the direct configuration', () => {
    const direct = [step(10, 20), step(20, 20), step(30, 20), step(40, 20)];
    const relay = [step(10, 20.5), step(20, 23), step(30, 20.5), step(40, 40)];
    const [, analysed] = analyseCapacity([
      { name: 'direct', direct: true, capacity: { stepMs: 1000, steps: direct } },
      { name: 'relay', direct: false, capacity: { stepMs: 1000, steps: relay } },
    ]);
    expect(analysed!.frontier).toEqual([
      { boundMs: 1, rate: 10, atTop: false }, // +3 ms at 20/s ends the run, though 30/s is +0.5 ms again
      { boundMs: 5, rate: 30, atTop: false },
      { boundMs: 10, rate: 30, atTop: false },
    ]);
    expect(analysed!.steps[3]!.addedP99Ms).toBe(20);
  });
});
