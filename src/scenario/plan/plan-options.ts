/**
 * Plan options: a seed replacing the scenario's, and a duration scale applied once, when the plan
 * is made -- to the parsed inputs (load duration, warmup, arrival-schedule stages and spike, fault
 * onsets, lengths and repetition periods), so the fault schedule is planned from scaled times.
 * Never mutates its input. Not scaled: client and attempt timeouts, provider latencies, breaker
 * timings -- those are the system's properties, not the drill's length.
 */
import { ConfigInvalidError } from '../../errors.js';
import type { ScheduleSpec } from '../../load/schedule.js';
import type { FaultSpec } from '../schema/fault-schema.js';
import type { LoadSpec } from '../schema/load-schema.js';

export interface PlanOptions {
  /** Replaces the scenario's seed (every variant's too). */
  seed?: number | undefined;
  /** Scales every time on the load clock (0.5 = half as long). */
  durationScale?: number | undefined;
}

/** @throws ConfigInvalidError (exit 104) for a seed or scale that cannot be used, naming the flag. */
export function validatePlanOptions(options: PlanOptions): void {
  const { seed, durationScale } = options;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0))
    throw new ConfigInvalidError(`--seed: expected a non-negative integer, got ${seed}`);
  if (durationScale !== undefined && !(Number.isFinite(durationScale) && durationScale > 0)) {
    throw new ConfigInvalidError(`--duration-scale: expected a number > 0 such as 0.5, got ${durationScale}`);
  }
}

interface Plannable {
  seed: number;
  load: LoadSpec;
  faults: FaultSpec[];
}

/** The parsed scenario with the seed replaced and its load clock scaled, ready to be planned. */
export function applyPlanOptions<T extends Plannable>(parsed: T, options: PlanOptions): T {
  const withSeed = options.seed === undefined ? parsed : { ...parsed, seed: options.seed };
  const scale = options.durationScale;
  if (scale === undefined || scale === 1) return withSeed;
  const ms = (value: number): number => Math.max(1, Math.round(value * scale));
  const onset = (value: number): number => Math.round(value * scale);
  const load = withSeed.load;
  return {
    ...withSeed,
    load: {
      ...load,
      duration: ms(load.duration),
      // A trace's arrivals move with the clock: the same count in a scaled time.
      rate: load.schedule?.kind === 'trace' ? load.rate / scale : load.rate,
      warmup: load.warmup > 0 ? ms(load.warmup) : load.warmup,
      schedule: load.schedule === undefined ? undefined : scaleSchedule(load.schedule, ms, onset, scale),
    },
    faults: withSeed.faults.map((f) => ({
      ...f,
      at: onset(f.at),
      for: ms(f.for),
      ...(f.repeat ? { repeat: { ...f.repeat, every: ms(f.repeat.every) } } : {}),
    })),
  };
}

/** The arrival schedule on the scaled clock: the same shape, every duration and onset scaled. */
function scaleSchedule(
  schedule: ScheduleSpec,
  ms: (value: number) => number,
  onset: (value: number) => number,
  scale: number,
): ScheduleSpec {
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
        atMs: onset(schedule.atMs),
        forMs: ms(schedule.forMs),
      };
    case 'trace':
      return { ...schedule, timeScale: schedule.timeScale * scale };
    case 'sweep':
      return { ...schedule, stepMs: ms(schedule.stepMs), durationMs: ms(schedule.durationMs) };
    default: {
      const unreachable: never = schedule;
      return unreachable;
    }
  }
}
