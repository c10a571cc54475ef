/**
 * Schedule lag as a run keeps it: how late the open-model generator sent each arrival compared
 * with when it was due (load/schedule-lag.ts measures it). Latency stays coordinated-omission free
 * either way (it counts from the intended start); a high lag says the offered load was burstier
 * than specified and the generator, not the target, may have been the bottleneck.
 */

import { createHistogram, decodeHistogram, encodeHistogram } from './histogram.js';

export interface ScheduleLag {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The lag histogram (µs), encoded for exact merging. */
  histogram: string;
  /** The generator's event-loop delay (worst thread), ms. */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** p99 above this is flagged. */
  thresholdMs: number;
  warning: boolean;
}

/** The generator's own report, in the fields load/schedule-lag.ts names them. */
export interface GeneratorLagFields {
  scheduleLagP50Ms: number;
  scheduleLagP99Ms: number;
  scheduleLagMaxMs: number;
  scheduleLagHistogram: string;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  lagThresholdMs: number;
  lagWarning: boolean;
}

export function scheduleLagOf(run: GeneratorLagFields): ScheduleLag {
  return {
    p50Ms: run.scheduleLagP50Ms,
    p99Ms: run.scheduleLagP99Ms,
    maxMs: run.scheduleLagMaxMs,
    histogram: run.scheduleLagHistogram,
    eventLoopDelayP99Ms: run.eventLoopDelayP99Ms,
    eventLoopDelayMaxMs: run.eventLoopDelayMaxMs,
    thresholdMs: run.lagThresholdMs,
    warning: run.lagWarning,
  };
}

/**
 * Several generators' schedule lag as one (shards merged): the HDR histograms added (exact), the
 * percentiles read from the sum, the worst event-loop delay; flagged against the first threshold.
 */
export function mergeScheduleLag(lags: readonly ScheduleLag[]): ScheduleLag | undefined {
  const first = lags[0];
  if (first === undefined) return undefined;
  const sum = createHistogram();
  for (const lag of lags) {
    const part = decodeHistogram(lag.histogram);
    sum.add(part);
    part.destroy();
  }
  const ms = (us: number): number => Math.round(us) / 1000;
  const empty = sum.totalCount === 0;
  const p99Ms = empty ? 0 : ms(sum.getValueAtPercentile(99));
  const merged: ScheduleLag = {
    p50Ms: empty ? 0 : ms(sum.getValueAtPercentile(50)),
    p99Ms,
    maxMs: empty ? 0 : ms(sum.maxValue),
    histogram: encodeHistogram(sum),
    eventLoopDelayP99Ms: Math.max(...lags.map((l) => l.eventLoopDelayP99Ms)),
    eventLoopDelayMaxMs: Math.max(...lags.map((l) => l.eventLoopDelayMaxMs)),
    thresholdMs: first.thresholdMs,
    warning: p99Ms > first.thresholdMs,
  };
  sum.destroy();
  return merged;
}
