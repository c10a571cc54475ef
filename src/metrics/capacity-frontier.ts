/**
 * Where it breaks: from each configuration's sweep steps (capacity-steps.ts), the added latency
 * against the direct configuration at the same step, the throughput frontier and the knee. Pure.
 *
 * - added latency at a step = the configuration's p50 (p99) − the direct configuration's p50 (p99)
 *   at the same step of the same sweep (runs of one session, same seed).
 * - throughput frontier under X ms = the offered rate of the highest step such that it and every
 *   lower step had success 100% and added p99 < X ms; `null` when the first step already missed.
 *   The SLO frontier is the same with "every request met the scenario's `slo:`" as the condition.
 * - a step breaches when its success fell below 100%, or (from the second step on) its p99 exceeded
 *   {@link KNEE_FACTOR} x the (lower) median p99 of all the steps before it. The knee = the first
 *   step that breaches and whose next step breaches too (the last step needs no confirmation).
 */
import type { CapacityStep, CapacitySteps } from './capacity-steps.js';

/** Added-latency p99 bounds the frontier is stated for, ms. */
export const FRONTIER_BOUNDS_MS: readonly number[] = Object.freeze([1, 5, 10]);
/** A step whose p99 is more than this many times the earlier steps' median p99 is the knee. */
export const KNEE_FACTOR = 2;

export interface CapacityInput {
  name: string;
  /** The client calling the provider itself: the baseline added latency is measured against. */
  direct: boolean;
  capacity: CapacitySteps;
}

export interface FrontierPoint {
  /** Added p99 bound, ms; absent for the SLO frontier. */
  boundMs?: number;
  /** Highest qualifying step rate, req/s; null when even the first step missed. */
  rate: number | null;
  /** Every step qualified: the frontier is at least the sweep's top rate. */
  atTop: boolean;
}

export interface Knee {
  rate: number;
  index: number;
  reason: 'success' | 'latency';
  /** The step's p99 and the earlier steps' median p99, ms (latency knees). */
  p99Ms?: number;
  priorMedianP99Ms?: number;
}

export interface CapacityAnalysis {
  name: string;
  steps: Array<CapacityStep & { addedP50Ms?: number; addedP99Ms?: number }>;
  /** The configuration added latency is measured against (absent: none, or this one is it). */
  baseline?: string;
  frontier: FrontierPoint[];
  sloFrontier?: FrontierPoint;
  /** null: no knee within the sweep. */
  knee: Knee | null;
}

export function analyseCapacity(configurations: readonly CapacityInput[]): CapacityAnalysis[] {
  const direct = configurations.find((c) => c.direct);
  return configurations.map((c) => {
    const base = direct !== undefined && direct !== c ? direct : undefined;
    const steps: CapacityAnalysis['steps'] = c.capacity.steps.map((step, i) => ({
      ...step,
      ...added(step, base?.capacity.steps[i]),
    }));
    const ok = (s: CapacityStep): boolean => s.scheduled > 0 && s.successRate === 1;
    const frontier =
      base === undefined
        ? []
        : FRONTIER_BOUNDS_MS.map((boundMs) => ({
            boundMs,
            ...leadingRun(steps, (s) => ok(s) && s.addedP99Ms !== undefined && s.addedP99Ms < boundMs),
          }));
    const withSlo = steps.some((s) => s.goodShare !== undefined);
    return {
      name: c.name,
      steps,
      ...(base ? { baseline: base.name } : {}),
      frontier,
      ...(withSlo ? { sloFrontier: leadingRun(steps, (s) => ok(s) && s.goodShare === 1) } : {}),
      knee: kneeOf(steps),
    };
  });
}

function added(step: CapacityStep, base: CapacityStep | undefined): { addedP50Ms?: number; addedP99Ms?: number } {
  if (base === undefined) return {};
  return {
    ...(step.p50Ms !== undefined && base.p50Ms !== undefined ? { addedP50Ms: step.p50Ms - base.p50Ms } : {}),
    ...(step.p99Ms !== undefined && base.p99Ms !== undefined ? { addedP99Ms: step.p99Ms - base.p99Ms } : {}),
  };
}

/** The last step of the leading run of steps that meet `holds`. */
function leadingRun<S extends CapacityStep>(
  steps: readonly S[],
  holds: (s: S) => boolean,
): Omit<FrontierPoint, 'boundMs'> {
  const firstMiss = steps.findIndex((s) => !holds(s));
  if (firstMiss === -1) return { rate: steps.at(-1)?.rate ?? null, atTop: true };
  return { rate: firstMiss === 0 ? null : steps[firstMiss - 1]!.rate, atTop: false };
}

export function kneeOf(steps: readonly CapacityStep[]): Knee | null {
  for (let i = 0; i < steps.length; i++) {
    const breach = breachAt(steps, i);
    // A one-step blip (a p99 that lifts and falls back) is noise, not the knee: the next step must breach too.
    if (breach !== undefined && (i === steps.length - 1 || breachAt(steps, i + 1) !== undefined)) return breach;
  }
  return null;
}

/** Step `i` as a knee candidate: success below 100%, or p99 above KNEE_FACTOR x the earlier steps' median p99. */
function breachAt(steps: readonly CapacityStep[], i: number): Knee | undefined {
  const step = steps[i]!;
  if (step.scheduled > 0 && step.successRate < 1) return { rate: step.rate, index: i, reason: 'success' };
  const prior = steps
    .slice(0, i)
    .flatMap((s) => (s.p99Ms === undefined ? [] : [s.p99Ms]))
    .sort((a, b) => a - b);
  if (prior.length === 0 || step.p99Ms === undefined) return undefined;
  const median = prior[Math.floor((prior.length - 1) / 2)]!; // the lower median
  if (step.p99Ms <= KNEE_FACTOR * median) return undefined;
  return { rate: step.rate, index: i, reason: 'latency', p99Ms: step.p99Ms, priorMedianP99Ms: median };
}
