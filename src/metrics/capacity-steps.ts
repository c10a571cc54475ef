/**
 * A capacity sweep's steps as measured: each step is a span of the load clock (its own slice of
 * `stepMs`, built by slices.ts), with its offered and achieved rate, success share, latency
 * p50/p99, schedule lag and, when the scenario states an SLO, the share of requests that met it.
 * Requests count in the step of their intended start. Pure.
 */
import type { RequestRecord } from './record.js';
import { buildSlices, nearestRank } from './slices.js';
import { hasObjectives, sloMisses, type ServingSlo } from './slo.js';

/** What the sweep schedule offered: each step's rate (req/s) and the steps' length. */
export interface SweepSteps {
  rates: readonly number[];
  stepMs: number;
}

export interface CapacityStep {
  /** Offered rate of the step, req/s (the schedule's). */
  rate: number;
  startMs: number;
  scheduled: number;
  ok: number;
  failed: number;
  dropped: number;
  /** Successes per second of the step (by intended start). */
  achievedPerSecond: number;
  /** ok / scheduled (dropped count as failures); 0 without requests. */
  successRate: number;
  /** Latency percentiles (ms, nearest rank, exact) of the step's completed and failed requests. */
  p50Ms?: number;
  p99Ms?: number;
  /** Schedule lag (send − intended start) of the step's sent requests, ms. */
  lagP50Ms?: number;
  lagP99Ms?: number;
  lagMaxMs?: number;
  /** Share of the step's scheduled requests that met every objective of the scenario's `slo:`. */
  goodShare?: number;
}

export interface CapacitySteps {
  stepMs: number;
  steps: CapacityStep[];
}

export function capacitySteps(
  records: readonly RequestRecord[],
  sweep: SweepSteps,
  slo?: ServingSlo | undefined,
): CapacitySteps {
  const { rates, stepMs } = sweep;
  const slices = buildSlices(records, stepMs, rates.length * stepMs);
  const lags: number[][] = rates.map(() => []);
  const good = rates.map(() => 0);
  for (const record of records) {
    const index = Math.min(rates.length - 1, Math.max(0, Math.floor(record.intendedMs / stepMs)));
    if (record.outcome !== 'dropped') lags[index]!.push(record.sentMs - record.intendedMs);
    if (hasObjectives(slo) && sloMisses(record, slo).length === 0) good[index]!++;
  }
  const steps = rates.map((rate, i): CapacityStep => {
    const slice = slices[i]!;
    const lag = Float64Array.from(lags[i]!).sort();
    return {
      rate,
      startMs: i * stepMs,
      scheduled: slice.offered,
      ok: slice.ok,
      failed: slice.failed,
      dropped: slice.dropped,
      achievedPerSecond: slice.ok / (stepMs / 1000),
      successRate: slice.offered === 0 ? 0 : slice.ok / slice.offered,
      ...(slice.p50Us === undefined ? {} : { p50Ms: slice.p50Us / 1000 }),
      ...(slice.p99Us === undefined ? {} : { p99Ms: slice.p99Us / 1000 }),
      ...(lag.length === 0
        ? {}
        : { lagP50Ms: nearestRank(lag, 50), lagP99Ms: nearestRank(lag, 99), lagMaxMs: lag[lag.length - 1]! }),
      ...(hasObjectives(slo) && slice.offered > 0 ? { goodShare: good[i]! / slice.offered } : {}),
    };
  });
  return { stepMs, steps };
}
