/**
 * Can one event loop keep the schedule? Records each arrival's schedule lag (when the generator
 * handled it - when it was due) in an HDR histogram, and samples event-loop delay with
 * perf_hooks.monitorEventLoopDelay. A p99 schedule lag above the threshold sets `lagWarning`:
 * intended start times still hold (latency stays CO-free), but the offered load was burstier than
 * specified and the generator itself, not the target, may be the bottleneck.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { createHistogram, encodeHistogram, recordMicros, type LatencyHistogram } from '../metrics/histogram.js';

export const DEFAULT_LAG_THRESHOLD_MS = 5;

export interface LagReport {
  /** Schedule lag percentiles over all arrivals (sent or dropped), ms. */
  scheduleLagP50Ms: number;
  scheduleLagP99Ms: number;
  scheduleLagMaxMs: number;
  /** The schedule-lag histogram (µs), encoded for exact merging. */
  scheduleLagHistogram: string;
  /** Event-loop delay over the run, ms (0 if the run was too short to sample). */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  lagThresholdMs: number;
  /** p99 schedule lag above the threshold. */
  lagWarning: boolean;
}

export class LagMonitor {
  private readonly lag: LatencyHistogram = createHistogram();
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor(private readonly thresholdMs = DEFAULT_LAG_THRESHOLD_MS) {
    this.loop.enable();
  }

  /** One arrival handled `lagMs` after it was due (negative values count as 0). */
  record(lagMs: number): void {
    recordMicros(this.lag, lagMs * 1000);
  }

  /** Stops sampling and reports; call once. */
  finish(): LagReport {
    this.loop.disable();
    const ms = (us: number): number => Math.round(us) / 1000;
    const empty = this.lag.totalCount === 0;
    const scheduleLagP99Ms = empty ? 0 : ms(this.lag.getValueAtPercentile(99));
    const report: LagReport = {
      scheduleLagP50Ms: empty ? 0 : ms(this.lag.getValueAtPercentile(50)),
      scheduleLagP99Ms,
      scheduleLagMaxMs: empty ? 0 : ms(this.lag.maxValue),
      scheduleLagHistogram: encodeHistogram(this.lag),
      eventLoopDelayP99Ms: this.loop.count > 0 ? this.loop.percentile(99) / 1e6 : 0,
      eventLoopDelayMaxMs: this.loop.count > 0 ? this.loop.max / 1e6 : 0,
      lagThresholdMs: this.thresholdMs,
      lagWarning: scheduleLagP99Ms > this.thresholdMs,
    };
    this.lag.destroy();
    return report;
  }
}
