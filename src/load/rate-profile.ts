/**
 * Arrival-rate profiles: the offered rate over time as contiguous segments whose rate moves
 * linearly from `fromRate` to `toRate` (req/s). A constant rate is one flat segment, k6-style
 * ramping stages are sloped segments, a spike is flat segments with a step up and back down.
 * Arrival processes (./arrivals.ts) turn a profile into intended start times.
 */
import { LoadOptionError } from './load-errors.js';

export interface RateSegment {
  /** Offset of the segment from the start of load, ms. */
  readonly startMs: number;
  readonly durationMs: number;
  /** Rate at the start and at the end of the segment, req/s (linear in between). */
  readonly fromRate: number;
  readonly toRate: number;
}

export type RateProfile = readonly RateSegment[];

/** One ramping stage, like k6's ramping-arrival-rate: reach `target` req/s over `duration` ms. */
export interface RampStage {
  readonly duration: number;
  readonly target: number;
}

export function constantProfile(rate: number, durationMs: number): RateProfile {
  checkRate('rate', rate);
  checkDuration('durationMs', durationMs);
  return Object.freeze([{ startMs: 0, durationMs, fromRate: rate, toRate: rate }]);
}

/** Stages interpolate linearly from the previous stage's target (the first from `startRate`). */
export function rampingProfile(startRate: number, stages: readonly RampStage[]): RateProfile {
  checkRate('startRate', startRate);
  if (stages.length === 0) throw new LoadOptionError('stages', stages, 'at least one { duration, target } stage');
  const segments: RateSegment[] = [];
  let startMs = 0;
  let fromRate = startRate;
  stages.forEach((stage, i) => {
    checkDuration(`stages[${i}].duration`, stage.duration);
    checkRate(`stages[${i}].target`, stage.target);
    segments.push({ startMs, durationMs: stage.duration, fromRate, toRate: stage.target });
    startMs += stage.duration;
    fromRate = stage.target;
  });
  return Object.freeze(segments);
}

export interface SpikeShape {
  /** Base rate, req/s. */
  readonly rate: number;
  /** Multiplier during the spike window (x40 for a flash sale). */
  readonly factor: number;
  /** Spike window start and length, ms since load start. */
  readonly atMs: number;
  readonly forMs: number;
  readonly durationMs: number;
}

/** The base rate, a step up to `rate x factor` for the window, and back down. */
export function spikeProfile(shape: SpikeShape): RateProfile {
  checkRate('rate', shape.rate);
  checkDuration('durationMs', shape.durationMs);
  if (!(Number.isFinite(shape.factor) && shape.factor >= 0))
    throw new LoadOptionError('factor', shape.factor, 'a finite number >= 0');
  if (!(shape.atMs >= 0 && shape.atMs < shape.durationMs))
    throw new LoadOptionError('atMs', shape.atMs, `0 <= atMs < durationMs (${shape.durationMs})`);
  if (!(shape.forMs > 0)) throw new LoadOptionError('forMs', shape.forMs, 'a duration > 0 ms');
  const end = Math.min(shape.durationMs, shape.atMs + shape.forMs);
  const peak = shape.rate * shape.factor;
  const parts: RateSegment[] = [
    { startMs: 0, durationMs: shape.atMs, fromRate: shape.rate, toRate: shape.rate },
    { startMs: shape.atMs, durationMs: end - shape.atMs, fromRate: peak, toRate: peak },
    { startMs: end, durationMs: shape.durationMs - end, fromRate: shape.rate, toRate: shape.rate },
  ];
  return Object.freeze(parts.filter((s) => s.durationMs > 0));
}

/** Expected arrivals in a segment: the area under its rate line. */
export function segmentArrivals(segment: RateSegment): number {
  return ((segment.fromRate + segment.toRate) / 2) * (segment.durationMs / 1000);
}

/** Expected arrivals over the whole profile. */
export function expectedArrivals(profile: RateProfile): number {
  return profile.reduce((sum, s) => sum + segmentArrivals(s), 0);
}

/**
 * Offset into the segment (ms) at which `count` arrivals have accumulated, 0 <= count <= its total.
 * Solves r0*t + k*t^2/2 = count in the form 2c / (r0 + sqrt(r0^2 + 2kc)), which stays exact for
 * flat (k = 0), rising, falling and from-zero segments without branching.
 */
export function offsetForCount(segment: RateSegment, count: number): number {
  const r0 = segment.fromRate / 1000; // per ms
  const k = (segment.toRate - segment.fromRate) / 1000 / segment.durationMs; // per ms^2
  if (count <= 0) return 0;
  const root = Math.sqrt(Math.max(0, r0 * r0 + 2 * k * count));
  return Math.min(segment.durationMs, (2 * count) / (r0 + root));
}

function checkRate(field: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) throw new LoadOptionError(field, value, 'a finite rate >= 0 req/s');
}

function checkDuration(field: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) throw new LoadOptionError(field, value, 'a finite duration > 0 ms');
}
