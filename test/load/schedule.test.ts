import { describe, expect, it } from 'vitest';
import { arrivalTimes } from '../../src/load/arrivals.js';
import { LoadOptionError } from '../../src/load/load-errors.js';
import { constantProfile, expectedArrivals, offsetForCount, rampingProfile } from '../../src/load/rate-profile.js';
import { createSchedule, type ScheduleSpec } from '../../src/load/schedule.js';

const times = (spec: ScheduleSpec, seed = 1): number[] => [...createSchedule(spec, seed)];
const countIn = (ts: number[], from: number, to: number): number => ts.filter((t) => t >= from && t < to).length;
const gaps = (ts: number[]): number[] => ts.slice(1).map((t, i) => t - ts[i]!);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const cv = (xs: number[]): number => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2))) / m;
};

describe('arrival schedules', () => {
  it.each<[string, Exclude<ScheduleSpec, { kind: 'trace' }>, number]>([
    ['constant 20/s for 2 s', { kind: 'constant', rate: 20, durationMs: 2000 }, 40],
    ['constant, fractional count floors', { kind: 'constant', rate: 10, durationMs: 250 }, 2],
    ['constant 0.1 x 30 (float noise)', { kind: 'constant', rate: 0.1, durationMs: 30_000 }, 3],
    [
      'ramping 0 -> 100/s over 10 s',
      { kind: 'ramping', startRate: 0, stages: [{ duration: 10_000, target: 100 }] },
      500,
    ],
    [
      'ramping up, hold, down',
      {
        kind: 'ramping',
        startRate: 0,
        stages: [
          { duration: 1000, target: 100 },
          { duration: 2000, target: 100 },
          { duration: 1000, target: 0 },
        ],
      },
      300,
    ],
    [
      'ramping through a zero-rate stage',
      {
        kind: 'ramping',
        startRate: 10,
        stages: [
          { duration: 1000, target: 0 },
          { duration: 1000, target: 0 },
          { duration: 1000, target: 10 },
        ],
      },
      10,
    ],
    ['spike x40 for 1 s', { kind: 'spike', rate: 10, factor: 40, atMs: 2000, forMs: 1000, durationMs: 5000 }, 440],
    [
      'spike window clipped at the end',
      { kind: 'spike', rate: 10, factor: 5, atMs: 1000, forMs: 5000, durationMs: 2000 },
      60,
    ],
  ])('%s: count, bounds, order', (_name, spec, count) => {
    const ts = times(spec);
    expect(ts).toHaveLength(count);
    expect(ts.every((t, i) => t >= 0 && (i === 0 || t >= ts[i - 1]!))).toBe(true);
    const end = spec.kind === 'ramping' ? spec.stages.reduce((s, x) => s + x.duration, 0) : spec.durationMs;
    expect(ts.every((t) => t < end)).toBe(true);
  });

  it('places constant arrivals at i / rate (the generator schedule before this change)', () => {
    expect(times({ kind: 'constant', rate: 20, durationMs: 250 })).toEqual([0, 50, 100, 150, 200]);
  });

  it('poisson: mean rate within 5%, exponential gaps (CV ~ 1), seeded', () => {
    const spec: ScheduleSpec = { kind: 'poisson', rate: 1000, durationMs: 10_000 };
    const ts = times(spec, 7);
    expect(ts.length).toBeGreaterThan(9500); // expected 10000, sd 100
    expect(ts.length).toBeLessThan(10_500);
    expect(mean(gaps(ts))).toBeCloseTo(1, 1);
    expect(cv(gaps(ts))).toBeGreaterThan(0.9); // uniform arrivals have CV 0
    expect(cv(gaps(ts))).toBeLessThan(1.1);
    expect(times(spec, 7)).toEqual(ts);
    expect(times(spec, 8)).not.toEqual(ts);
    expect(ts.every((t) => t >= 0 && t < 10_000)).toBe(true);
  });

  it('uniform schedules ignore the seed', () => {
    const spec: ScheduleSpec = { kind: 'spike', rate: 10, factor: 3, atMs: 100, forMs: 200, durationMs: 1000 };
    expect(times(spec, 1)).toEqual(times(spec, 2));
  });

  it('ramping: the rate rises linearly (arrivals per second ~ 10 x (s + 0.5))', () => {
    const ts = times({ kind: 'ramping', startRate: 0, stages: [{ duration: 10_000, target: 100 }] });
    for (let s = 0; s < 10; s++)
      expect(Math.abs(countIn(ts, s * 1000, (s + 1) * 1000) - 10 * (s + 0.5))).toBeLessThanOrEqual(1);
    expect(countIn(ts, 0, 5000)).toBeCloseTo(125, -1); // a quarter of the area under the ramp
  });

  it('ramping down mirrors ramping up', () => {
    const up = times({ kind: 'ramping', startRate: 0, stages: [{ duration: 4000, target: 50 }] });
    const down = times({ kind: 'ramping', startRate: 50, stages: [{ duration: 4000, target: 0 }] });
    expect(down).toHaveLength(up.length);
    expect(Math.abs(countIn(down, 0, 2000) - countIn(up, 2000, 4000))).toBeLessThanOrEqual(1);
    expect(Math.abs(countIn(down, 0, 1000) - 44)).toBeLessThanOrEqual(1); // (50 + 37.5) / 2
  });

  it('ramping with poisson arrivals follows the same profile', () => {
    const spec: ScheduleSpec = {
      kind: 'ramping',
      startRate: 0,
      stages: [{ duration: 10_000, target: 400 }],
      arrivals: 'poisson',
    };
    const ts = times(spec, 3);
    expect(Math.abs(ts.length - 2000)).toBeLessThan(200);
    expect(countIn(ts, 5000, 10_000) / countIn(ts, 0, 5000)).toBeGreaterThan(2.5); // 3 expected
    expect(countIn(ts, 5000, 10_000) / countIn(ts, 0, 5000)).toBeLessThan(3.6);
  });

  it('spike: x40 inside the window, base rate outside', () => {
    const ts = times({ kind: 'spike', rate: 5, factor: 40, atMs: 30_000, forMs: 30_000, durationMs: 90_000 });
    expect(countIn(ts, 0, 30_000)).toBe(150);
    expect(countIn(ts, 30_000, 60_000)).toBe(6000);
    expect(countIn(ts, 60_000, 90_000)).toBe(150);
    const poisson = times(
      { kind: 'spike', rate: 5, factor: 40, atMs: 30_000, forMs: 30_000, durationMs: 90_000, arrivals: 'poisson' },
      9,
    );
    expect(Math.abs(countIn(poisson, 30_000, 60_000) - 6000)).toBeLessThan(400);
    expect(Math.abs(countIn(poisson, 0, 30_000) - 150)).toBeLessThan(50);
  });

  it('offsetForCount inverts the cumulative count on rising and falling segments', () => {
    for (const [from, to] of [
      [0, 100],
      [100, 0],
      [30, 30],
      [10, 90],
    ] as const) {
      const segment = { startMs: 0, durationMs: 1000, fromRate: from, toRate: to };
      for (const t of [0, 100, 500, 999]) {
        const count = (from * t + ((to - from) * t * t) / 2000) / 1000;
        expect(offsetForCount(segment, count)).toBeCloseTo(t, 6);
      }
    }
  });

  it('expected arrivals is the area under the profile', () => {
    expect(
      expectedArrivals(
        rampingProfile(10, [
          { duration: 2000, target: 30 },
          { duration: 1000, target: 30 },
        ]),
      ),
    ).toBe(70);
    expect([...arrivalTimes(constantProfile(4, 1000), 'uniform')]).toEqual([0, 250, 500, 750]);
  });

  it.each<[string, ScheduleSpec, string]>([
    ['negative rate', { kind: 'constant', rate: -1, durationMs: 1000 }, 'rate'],
    ['zero duration', { kind: 'poisson', rate: 10, durationMs: 0 }, 'durationMs'],
    ['no stages', { kind: 'ramping', startRate: 0, stages: [] }, 'stages'],
    [
      'bad stage target',
      { kind: 'ramping', startRate: 0, stages: [{ duration: 1000, target: Number.NaN }] },
      'stages[0].target',
    ],
    ['spike outside the run', { kind: 'spike', rate: 1, factor: 2, atMs: 5000, forMs: 100, durationMs: 1000 }, 'atMs'],
    ['negative factor', { kind: 'spike', rate: 1, factor: -2, atMs: 0, forMs: 100, durationMs: 1000 }, 'factor'],
    [
      'unknown arrivals',
      { kind: 'ramping', startRate: 0, stages: [{ duration: 1, target: 1 }], arrivals: 'burst' as never },
      'arrivals',
    ],
    ['unknown kind', { kind: 'steps' } as never, 'schedule.kind'],
  ])('rejects %s, naming the field', (_name, spec, field) => {
    expect(() => createSchedule(spec)).toThrowError(LoadOptionError);
    expect(() => createSchedule(spec)).toThrowError(`load option ${field}:`);
  });
});
