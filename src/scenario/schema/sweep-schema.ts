/**
 * The `sweep` schedule's fields (a capacity sweep) and their checks, beside load-schema.ts:
 *
 * ```yaml
 * load:
 *   schedule: { kind: sweep, from: 100/s, to: 3000/s, steps: 10, step_duration: 10s, spacing: linear }
 * ```
 *
 * `duration` may be omitted (it is steps x step_duration); when given it must equal that.
 */
import { z } from 'zod';
import type { ScheduleSpec } from '../../load/schedule.js';
import { duration, rate, wholeNumber } from './units.js';

export const sweepFields = {
  /** sweep: the first step's rate. */
  from: rate().optional(),
  /** sweep: the last step's rate (above `from`). */
  to: rate().optional(),
  /** sweep: how many steps, from `from` to `to` both included (>= 2). */
  steps: wholeNumber(2, 1000, 'a number of steps').optional(),
  /** sweep: how long each step lasts. */
  step_duration: duration().optional(),
  /** sweep: `linear` (default: equal differences) or `geometric` (equal ratios). */
  spacing: z
    .enum(['linear', 'geometric'], {
      error: (issue) => `expected linear or geometric, got ${JSON.stringify(issue.input)}`,
    })
    .optional(),
};

export const SWEEP_FIELDS = ['from', 'to', 'steps', 'step_duration', 'spacing'] as const;

interface RawSweep {
  from?: number | undefined;
  to?: number | undefined;
  steps?: number | undefined;
  step_duration?: number | undefined;
  spacing?: 'linear' | 'geometric' | undefined;
  arrivals?: 'uniform' | 'poisson' | undefined;
}

/** Adds an issue (path under `schedule`, so the loader names its line) for each missing or inconsistent field. */
export function checkSweep(s: RawSweep, loadDuration: number | undefined, ctx: z.RefinementCtx): void {
  for (const field of ['from', 'to', 'steps', 'step_duration'] as const)
    if (s[field] === undefined)
      ctx.addIssue({ code: 'custom', path: ['schedule', field], message: 'required for a sweep' });
  if (s.from !== undefined && s.to !== undefined && s.to <= s.from)
    ctx.addIssue({
      code: 'custom',
      path: ['schedule', 'to'],
      message: `must be above from (${s.from}/s): a sweep steps the rate up`,
    });
  if (loadDuration !== undefined && s.steps !== undefined && s.step_duration !== undefined) {
    const total = sweepDurationMs(s);
    if (loadDuration !== total)
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        message: `the sweep's ${s.steps} steps of ${s.step_duration / 1000}s last ${total / 1000}s; omit duration or make it ${total / 1000}s`,
      });
  }
}

/** steps x step_duration, ms (0 while a field is missing: the checks report it). */
export function sweepDurationMs(s: RawSweep): number {
  return (s.steps ?? 0) * (s.step_duration ?? 0);
}

export function toSweep(s: RawSweep, durationMs: number): ScheduleSpec {
  return {
    kind: 'sweep',
    from: s.from ?? 0,
    to: s.to ?? 0,
    steps: s.steps ?? 2,
    stepMs: s.step_duration ?? 0,
    spacing: s.spacing ?? 'linear',
    durationMs,
    arrivals: s.arrivals ?? 'uniform',
  };
}
