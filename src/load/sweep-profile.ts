/**
 * A capacity sweep as a rate profile: `steps` flat steps of `stepMs` each, the rate stepping from
 * `from` to `to` (both included), linearly (`from + i·(to − from)/(steps − 1)`) or geometrically
 * (`from·(to/from)^(i/(steps − 1))`, equal ratios: more steps where the rates are low). Each step
 * is one flat segment, so step i's arrivals are exactly those of a constant rate for `stepMs`.
 */
import { LoadOptionError } from './load-errors.js';
import type { RateProfile } from './rate-profile.js';

export type SweepSpacing = 'linear' | 'geometric';

export interface SweepShape {
  /** Rate of the first step, req/s (> 0). */
  readonly from: number;
  /** Rate of the last step, req/s (> from). */
  readonly to: number;
  /** Number of steps, >= 2. */
  readonly steps: number;
  /** Length of each step, ms. */
  readonly stepMs: number;
  readonly spacing?: SweepSpacing;
}

/** The offered rate of every step, req/s, in order. */
export function sweepRates(shape: SweepShape): number[] {
  checkShape(shape);
  const { from, to, steps } = shape;
  return Array.from({ length: steps }, (_, i) => {
    if (i === steps - 1) return to; // exact, whatever the float noise of the formula
    const share = i / (steps - 1);
    return shape.spacing === 'geometric' ? from * (to / from) ** share : from + share * (to - from);
  });
}

/** The sweep as contiguous flat segments, one per step. */
export function sweepProfile(shape: SweepShape): RateProfile {
  return Object.freeze(
    sweepRates(shape).map((rate, i) => ({
      startMs: i * shape.stepMs,
      durationMs: shape.stepMs,
      fromRate: rate,
      toRate: rate,
    })),
  );
}

function checkShape(shape: SweepShape): void {
  if (!(Number.isFinite(shape.from) && shape.from > 0))
    throw new LoadOptionError('from', shape.from, 'a finite rate > 0 req/s');
  if (!(Number.isFinite(shape.to) && shape.to > shape.from))
    throw new LoadOptionError('to', shape.to, `a finite rate above from (${shape.from} req/s)`);
  if (!(Number.isInteger(shape.steps) && shape.steps >= 2))
    throw new LoadOptionError('steps', shape.steps, 'an integer >= 2');
  if (!(Number.isFinite(shape.stepMs) && shape.stepMs > 0))
    throw new LoadOptionError('stepMs', shape.stepMs, 'a finite duration > 0 ms');
  if (shape.spacing !== undefined && shape.spacing !== 'linear' && shape.spacing !== 'geometric')
    throw new LoadOptionError('spacing', shape.spacing, "'linear' | 'geometric'");
}
