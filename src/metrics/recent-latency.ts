/**
 * Latencies of the most recently completed requests, for the live progress line's "current p99":
 * a fixed ring buffer (no allocation per record) of (completion time, latency); percentiles over
 * those that completed in the last `windowMs`, by exact sort at read time (once a second).
 */
import { latencyMicros, type RequestRecord } from './record.js';

export class RecentLatency {
  readonly #endMs: Float64Array;
  readonly #latencyUs: Float64Array;
  #next = 0;
  #size = 0;

  /**
   * @param capacity most records kept: size it to rate x window (default 10k/s for 5 s).
   * @param valueOf what is kept per record: its latency in µs by default (RecentLag keeps its schedule lag).
   */
  constructor(
    readonly windowMs = 5000,
    capacity = 50_000,
    private readonly valueOf: (record: RequestRecord) => number = latencyMicros,
  ) {
    if (!(windowMs > 0) || !(capacity > 0))
      throw new RangeError(`RecentLatency: windowMs and capacity must be > 0, got ${windowMs}, ${capacity}`);
    this.#endMs = new Float64Array(capacity);
    this.#latencyUs = new Float64Array(capacity);
  }

  /** Dropped requests have no latency and are not kept. */
  observe(record: RequestRecord): void {
    if (record.outcome === 'dropped') return;
    this.#endMs[this.#next] = record.endMs;
    this.#latencyUs[this.#next] = this.valueOf(record);
    this.#next = (this.#next + 1) % this.#endMs.length;
    this.#size = Math.min(this.#size + 1, this.#endMs.length);
  }

  /** Nearest-rank percentile (µs) of requests that completed in (nowMs - windowMs, nowMs]; undefined if none. */
  percentile(p: number, nowMs: number): number | undefined {
    const from = nowMs - this.windowMs;
    const values: number[] = [];
    for (let i = 0; i < this.#size; i++) {
      if (this.#endMs[i]! > from) values.push(this.#latencyUs[i]!);
    }
    if (values.length === 0) return undefined;
    const sorted = Float64Array.from(values).sort();
    return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
  }
}
