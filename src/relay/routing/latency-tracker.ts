/**
 * What the router knows about each target: an EWMA of latency, an EWMA of the error rate (decaying
 * toward 0 while a target is idle, so a penalised target gets another chance), requests in flight,
 * and a p95 estimate (two P-square generations, so it follows recent traffic) for hedging.
 */
import { PSquare } from './p-square.js';

export interface TrackerOptions {
  /** Weight of a new sample in the EWMAs. */
  readonly alpha: number;
  /** Idle error-rate half-life. */
  readonly errorHalfLifeMs: number;
  /** Latency assumed before the first sample (0: untried targets are tried first). */
  readonly initialLatencyMs: number;
  /** Score multiplier per unit of error rate: score x (1 + errorPenalty x errorRate). */
  readonly errorPenalty: number;
  /** The p95 estimator starts over after this many samples (the previous generation answers meanwhile). */
  readonly quantileGeneration: number;
}

export const trackerDefaults: TrackerOptions = Object.freeze({
  alpha: 0.2,
  errorHalfLifeMs: 30_000,
  initialLatencyMs: 0,
  errorPenalty: 10,
  quantileGeneration: 500,
});

/** Samples a p95 needs before it is trusted over the previous generation. */
const MIN_QUANTILE_SAMPLES = 20;

export class TargetStats {
  latencyMs: number;
  errorRate = 0;
  inFlight = 0;
  samples = 0;
  lastErrorUpdate = 0;
  current = new PSquare(0.95);
  previous = new PSquare(0.95);

  constructor(initialLatencyMs: number) {
    this.latencyMs = initialLatencyMs;
  }
}

export class LatencyTracker {
  private readonly stats = new Map<string, TargetStats>();

  constructor(
    private readonly options: TrackerOptions,
    private readonly now: () => number,
  ) {}

  /** The target's stats, created on first sight. */
  get(target: string): TargetStats {
    let stats = this.stats.get(target);
    if (stats === undefined) {
      stats = new TargetStats(this.options.initialLatencyMs);
      this.stats.set(target, stats);
    }
    return stats;
  }

  begin(target: string): void {
    this.get(target).inFlight++;
  }

  /**
   * Ends an attempt begun with {@link begin}. `latencyMs` undefined: no latency evidence (e.g. a
   * refused connection). `error` undefined: neither success nor failure (aborted by us).
   */
  end(target: string, latencyMs: number | undefined, error: boolean | undefined, now = this.now()): void {
    const stats = this.get(target);
    stats.inFlight = Math.max(0, stats.inFlight - 1);
    const { alpha } = this.options;
    if (latencyMs !== undefined) {
      stats.latencyMs = stats.samples === 0 ? latencyMs : stats.latencyMs + alpha * (latencyMs - stats.latencyMs);
      stats.samples++;
      stats.current.add(latencyMs);
      if (stats.current.count >= this.options.quantileGeneration) {
        // Swap generations instead of allocating a new estimator.
        const old = stats.previous;
        stats.previous = stats.current;
        stats.current = old;
        old.reset();
      }
    }
    if (error !== undefined) {
      const decayed = this.errorRate(stats, now);
      stats.errorRate = decayed + alpha * ((error ? 1 : 0) - decayed);
      stats.lastErrorUpdate = now;
    }
  }

  /** Lower is better: latency x load x error penalty. */
  score(target: string, now = this.now()): number {
    const stats = this.get(target);
    return stats.latencyMs * (stats.inFlight + 1) * (1 + this.options.errorPenalty * this.errorRate(stats, now));
  }

  /** The target's usual latency (the moving average of its answers), or undefined before any. */
  typicalMs(target: string): number | undefined {
    const stats = this.stats.get(target);
    return stats === undefined || stats.samples === 0 ? undefined : stats.latencyMs;
  }

  /** The p95 latency estimate, or undefined until enough samples. */
  p95(target: string): number | undefined {
    const stats = this.stats.get(target);
    if (stats === undefined) return undefined;
    if (stats.current.count >= MIN_QUANTILE_SAMPLES) return stats.current.value();
    return stats.previous.count >= MIN_QUANTILE_SAMPLES ? stats.previous.value() : undefined;
  }

  /** The error-rate EWMA, decayed for the time since its last update. */
  errorRate(stats: TargetStats, now = this.now()): number {
    const idle = Math.max(0, now - stats.lastErrorUpdate);
    return stats.errorRate * 0.5 ** (idle / this.options.errorHalfLifeMs);
  }
}

/** @throws RangeError naming the field and value. */
export function validateTrackerOptions(options: TrackerOptions): TrackerOptions {
  if (!(options.alpha > 0 && options.alpha <= 1))
    throw new RangeError(`tracker.alpha: expected a number in (0, 1], got ${String(options.alpha)}`);
  for (const field of ['errorHalfLifeMs', 'quantileGeneration'] as const) {
    if (!(options[field] > 0))
      throw new RangeError(`tracker.${field}: expected a number > 0, got ${String(options[field])}`);
  }
  for (const field of ['initialLatencyMs', 'errorPenalty'] as const) {
    if (!(options[field] >= 0))
      throw new RangeError(`tracker.${field}: expected a number >= 0, got ${String(options[field])}`);
  }
  return options;
}
