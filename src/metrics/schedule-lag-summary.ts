/**
 * Schedule lag as a run keeps it: how late the open-model generator sent each arrival compared
 * with when it was due (load/schedule-lag.ts measures it). Latency stays coordinated-omission free
 * either way (it counts from the intended start); a high lag says the offered load was burstier
 * than specified and the generator, not the target, may have been the bottleneck.
 */

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
