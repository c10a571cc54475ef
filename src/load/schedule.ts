/**
 * Open-model executors, as data: which rate profile and which arrival process. `createSchedule`
 * validates once and returns the intended start times; the generator only iterates them.
 *
 * - `constant`: `rate` req/s for `durationMs`, request i due at i / rate.
 * - `poisson`: the same mean rate with exponential inter-arrival times drawn from the seed.
 * - `ramping`: k6's ramping-arrival-rate: from `startRate` through `stages: [{ duration, target }]`,
 *   the rate interpolated linearly within each stage.
 * - `spike`: `rate`, multiplied by `factor` from `atMs` for `forMs` (x40 for 30 s), then back.
 * - `sweep`: a capacity sweep, `steps` flat steps of `stepMs` from `from` to `to` req/s (sweep-profile.ts).
 *
 * `ramping`, `spike` and `sweep` take `arrivals: 'poisson'` for randomised arrivals along the same profile.
 * - `trace`: the arrivals of a recorded trace, scaled in time (trace.ts).
 */
import { deriveSeed } from '../random.js';
import { arrivalTimes, type ArrivalProcess, type ArrivalSchedule } from './arrivals.js';
import { LoadOptionError } from './load-errors.js';
import { checkTrace, traceSchedule, type TraceSpec } from './trace.js';
import { sweepProfile, type SweepShape } from './sweep-profile.js';
import { constantProfile, rampingProfile, spikeProfile, type RampStage, type RateProfile } from './rate-profile.js';

export type ScheduleSpec =
  | { readonly kind: 'constant'; readonly rate: number; readonly durationMs: number }
  | { readonly kind: 'poisson'; readonly rate: number; readonly durationMs: number }
  | {
      readonly kind: 'ramping';
      readonly startRate: number;
      readonly stages: readonly RampStage[];
      readonly arrivals?: ArrivalProcess;
    }
  | {
      readonly kind: 'spike';
      readonly rate: number;
      readonly factor: number;
      readonly atMs: number;
      readonly forMs: number;
      readonly durationMs: number;
      readonly arrivals?: ArrivalProcess;
    }
  | TraceSpec
  | (SweepShape & {
      readonly kind: 'sweep';
      /** steps x stepMs. */
      readonly durationMs: number;
      readonly arrivals?: ArrivalProcess;
    });

export interface PreparedSchedule {
  readonly profile: RateProfile;
  readonly process: ArrivalProcess;
  readonly seed: number;
}

/** Validates a spec (throws LoadOptionError naming the field) and fixes its profile and seed. */
export function prepareSchedule(spec: Exclude<ScheduleSpec, TraceSpec>, seed = 0): PreparedSchedule {
  const own = deriveSeed(seed, 'arrivals');
  switch (spec.kind) {
    case 'constant':
      return { profile: constantProfile(spec.rate, spec.durationMs), process: 'uniform', seed: own };
    case 'poisson':
      return { profile: constantProfile(spec.rate, spec.durationMs), process: 'poisson', seed: own };
    case 'ramping':
      return { profile: rampingProfile(spec.startRate, spec.stages), process: checkProcess(spec.arrivals), seed: own };
    case 'spike':
      return { profile: spikeProfile(spec), process: checkProcess(spec.arrivals), seed: own };
    case 'sweep':
      return { profile: sweepProfile(spec), process: checkProcess(spec.arrivals), seed: own };
    default: {
      const never: never = spec;
      throw new LoadOptionError(
        'schedule.kind',
        (never as { kind?: unknown }).kind,
        "'constant' | 'poisson' | 'ramping' | 'spike' | 'sweep'",
      );
    }
  }
}

/** Intended start times (ms since load start) for a spec; the same seed gives the same times. */
export function createSchedule(spec: ScheduleSpec, seed = 0): ArrivalSchedule {
  if (spec.kind === 'trace') {
    checkTrace(spec);
    return traceSchedule(spec);
  }
  const prepared = prepareSchedule(spec, seed);
  return { [Symbol.iterator]: () => arrivalTimes(prepared.profile, prepared.process, prepared.seed) };
}

function checkProcess(process: ArrivalProcess | undefined): ArrivalProcess {
  if (process === undefined || process === 'uniform' || process === 'poisson') return process ?? 'uniform';
  throw new LoadOptionError('arrivals', process, "'uniform' | 'poisson'");
}
