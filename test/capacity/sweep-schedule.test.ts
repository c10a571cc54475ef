/** The `sweep` schedule: step rates, exact arrivals per step under a seed, and the schema's errors (field, value, line). */
import { describe, expect, it } from 'vitest';
import { ScenarioInvalidError } from '../../src/errors.js';
import { createSchedule, type ScheduleSpec } from '../../src/load/schedule.js';
import { sweepRates } from '../../src/load/sweep-profile.js';
import { parseScenario } from '../../src/scenario/schema/loader.js';

const spec = (extra: Partial<ScheduleSpec> = {}): ScheduleSpec =>
  ({ kind: 'sweep', from: 10, to: 100, steps: 4, stepMs: 1000, durationMs: 4000, ...extra }) as ScheduleSpec;

function perStep(times: Iterable<number>, stepMs: number, steps: number): number[] {
  const counts = new Array<number>(steps).fill(0);
  for (const t of times) counts[Math.floor(t / stepMs)]!++;
  return counts;
}

describe('sweep schedule', () => {
  it('steps linearly by default and geometrically on request, both ends included', () => {
    expect(sweepRates({ from: 10, to: 100, steps: 4, stepMs: 1000 })).toEqual([10, 40, 70, 100]);
    expect(sweepRates({ from: 10, to: 1000, steps: 3, stepMs: 1000, spacing: 'geometric' })).toEqual([10, 100, 1000]);
  });

  it('sends exactly rate x step_duration arrivals in each step (uniform), evenly spaced', () => {
    const times = [...createSchedule(spec(), 7)];
    expect(perStep(times, 1000, 4)).toEqual([10, 40, 70, 100]);
    expect(times.slice(0, 3)).toEqual([0, 100, 200]);
    expect(times[10]).toBeCloseTo(1000, 9); // step 2 starts on its boundary at 40/s
    expect(times[11]).toBeCloseTo(1025, 9);
  });

  it('is deterministic under the seed with poisson arrivals, and each step keeps near its mean', () => {
    const poisson = spec({
      from: 200,
      to: 800,
      steps: 2,
      durationMs: 2000,
      arrivals: 'poisson',
    } as Partial<ScheduleSpec>);
    const a = [...createSchedule(poisson, 42)];
    expect([...createSchedule(poisson, 42)]).toEqual(a);
    expect([...createSchedule(poisson, 43)]).not.toEqual(a);
    const [low, high] = perStep(a, 1000, 2);
    expect(low).toBeGreaterThan(150); // mean 200, sd ~14
    expect(low).toBeLessThan(250);
    expect(high).toBeGreaterThan(700); // mean 800, sd ~28
    expect(high).toBeLessThan(900);
  });
});

describe('sweep in a scenario', () => {
  const head = 'providers: [{ name: a }]\nload:\n';
  const parse = (load: string) => parseScenario(`${head}${load}`, 's.yaml');
  function errorOf(load: string): string {
    try {
      parse(load);
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioInvalidError);
      return (error as Error).message;
    }
    throw new Error('expected the scenario to be rejected');
  }

  it('resolves units, takes its duration from the steps and warms up nothing extra', () => {
    const load = parse('  schedule: { kind: sweep, from: 100/s, to: 3000/s, steps: 10, step_duration: 10s }\n').load;
    expect(load.duration).toBe(100_000);
    expect(load.rate).toBe(3000);
    expect(load.schedule).toEqual({
      kind: 'sweep',
      from: 100,
      to: 3000,
      steps: 10,
      stepMs: 10_000,
      spacing: 'linear',
      durationMs: 100_000,
      arrivals: 'uniform',
    });
  });

  it.each([
    [
      'a missing field',
      '  schedule:\n    kind: sweep\n    from: 10/s\n    to: 50/s\n    steps: 3\n',
      /s\.yaml:4:\d+: field 'load\.schedule\.step_duration': required for a sweep/,
    ],
    [
      'to below from',
      '  schedule:\n    kind: sweep\n    from: 50/s\n    to: 10/s\n    steps: 3\n    step_duration: 1s\n',
      /s\.yaml:6:\d+: field 'load\.schedule\.to': must be above from \(50\/s\)/,
    ],
    [
      'one step',
      '  schedule:\n    kind: sweep\n    from: 10/s\n    to: 50/s\n    steps: 1\n    step_duration: 1s\n',
      /s\.yaml:7:\d+: field 'load\.schedule\.steps': expected a number of steps, a whole number from 2 to 1000, got 1/,
    ],
    [
      'a spacing typo',
      '  schedule: { kind: sweep, from: 1/s, to: 5/s, steps: 2, step_duration: 1s, spacing: log }\n',
      /s\.yaml:3:\d+: field 'load\.schedule\.spacing': expected linear or geometric, got "log"/,
    ],
    [
      'a rate on a sweep',
      '  schedule: { kind: sweep, rate: 5/s, from: 1/s, to: 5/s, steps: 2, step_duration: 1s }\n',
      /field 'load\.schedule\.rate': not an attribute of schedule kind 'sweep'/,
    ],
    [
      'a duration that disagrees',
      '  duration: 5s\n  schedule: { kind: sweep, from: 1/s, to: 5/s, steps: 2, step_duration: 1s }\n',
      /s\.yaml:3:\d+: field 'load\.duration': the sweep's 2 steps of 1s last 2s/,
    ],
  ])('rejects %s, naming the field, the value and the line', (_, load, message) => {
    expect(errorOf(load)).toMatch(message);
  });
});
