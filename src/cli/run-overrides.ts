/**
 * `run --seed N` and `run --duration-scale F`: a new Scenario with the seed replaced and every
 * time on the load clock scaled (load duration, warmup, schedule stages and spike, fault onsets,
 * lengths and repetition periods, and the planned fault windows). Never mutates the input.
 * Not scaled: client and attempt timeouts, provider latencies, breaker timings -- those are the
 * system's properties, not the drill's length.
 */
import { ConfigInvalidError } from '../errors.js';
import type { ScheduleSpec } from '../load/schedule.js';
import type { Scenario } from '../scenario/schema.js';

export interface RunOverrides {
  seed?: number;
  durationScale?: number;
}

/** @throws ConfigInvalidError (exit 104) for a seed or scale that cannot be used. */
export function validateOverrides(overrides: RunOverrides): void {
  const { seed, durationScale } = overrides;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0))
    throw new ConfigInvalidError(`--seed: expected a non-negative integer, got ${seed}`);
  if (durationScale !== undefined && !(Number.isFinite(durationScale) && durationScale > 0)) {
    throw new ConfigInvalidError(`--duration-scale: expected a number > 0 such as 0.5, got ${durationScale}`);
  }
}

export function applyOverrides(scenario: Scenario, overrides: RunOverrides): Scenario {
  const own = applyOwn(scenario, overrides);
  // Each variant is a resolved scenario of its own: it gets the same seed and clock.
  return own.variants.length === 0
    ? own
    : { ...own, variants: own.variants.map((v) => ({ ...v, scenario: applyOverrides(v.scenario, overrides) })) };
}

function applyOwn(scenario: Scenario, overrides: RunOverrides): Scenario {
  const withSeed = overrides.seed === undefined ? scenario : { ...scenario, seed: overrides.seed };
  const scale = overrides.durationScale;
  if (scale === undefined || scale === 1) return withSeed;
  const ms = (value: number): number => Math.max(1, Math.round(value * scale));
  const load = withSeed.load;
  const scaledLoad: Scenario['load'] = {
    ...load,
    duration: ms(load.duration),
    warmup: load.warmup > 0 ? ms(load.warmup) : load.warmup,
    schedule: load.schedule === undefined ? undefined : scaleSchedule(load.schedule, ms, scale),
  };
  return {
    ...withSeed,
    load: scaledLoad,
    faults: withSeed.faults.map((f) => ({
      ...f,
      at: Math.round(f.at * scale),
      for: ms(f.for),
      ...(f.repeat ? { repeat: { ...f.repeat, every: ms(f.repeat.every) } } : {}),
    })),
    schedule: withSeed.schedule.map((p) => ({ ...p, atMs: Math.round(p.atMs * scale), forMs: ms(p.forMs) })),
  };
}

/** The arrival schedule on the scaled clock: the same shape, every duration and onset scaled. */
function scaleSchedule(schedule: ScheduleSpec, ms: (value: number) => number, scale: number): ScheduleSpec {
  switch (schedule.kind) {
    case 'constant':
    case 'poisson':
      return { ...schedule, durationMs: ms(schedule.durationMs) };
    case 'ramping':
      return { ...schedule, stages: schedule.stages.map((stage) => ({ ...stage, duration: ms(stage.duration) })) };
    case 'spike':
      return {
        ...schedule,
        durationMs: ms(schedule.durationMs),
        atMs: Math.round(schedule.atMs * scale),
        forMs: ms(schedule.forMs),
      };
    default: {
      const unreachable: never = schedule;
      return unreachable;
    }
  }
}
