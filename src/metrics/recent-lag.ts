/**
 * Schedule lag of the most recently completed requests (sent − intended start), for the live
 * progress line: a fixed ring buffer like RecentLatency's, read once a second. The run's full lag
 * histogram (every arrival, dropped ones included) is the generator's own (load/schedule-lag.ts).
 */
import type { RequestRecord } from './record.js';

export class RecentLag {
  readonly #endMs: Float64Array;
  readonly #lagMs: Float64Array;
  #next = 0;
  #size = 0;

  constructor(
    readonly windowMs = 5000,
    capacity = 50_000,
  ) {
    if (!(windowMs > 0) || !(capacity > 0))
      throw new RangeError(`RecentLag: windowMs and capacity must be > 0, got ${windowMs}, ${capacity}`);
    this.#endMs = new Float64Array(capacity);
    this.#lagMs = new Float64Array(capacity);
  }

  /** Dropped requests were never sent: their lag is in the generator's histogram only. */
  observe(record: RequestRecord): void {
    if (record.outcome === 'dropped') return;
    this.#endMs[this.#next] = record.endMs;
    this.#lagMs[this.#next] = Math.max(0, record.sentMs - record.intendedMs);
    this.#next = (this.#next + 1) % this.#endMs.length;
    this.#size = Math.min(this.#size + 1, this.#endMs.length);
  }

  /** Nearest-rank p99 and the max (ms) over requests completed in (nowMs - windowMs, nowMs]; undefined if none. */
  summary(nowMs: number): { p99Ms: number; maxMs: number } | undefined {
    const from = nowMs - this.windowMs;
    const values: number[] = [];
    for (let i = 0; i < this.#size; i++) if (this.#endMs[i]! > from) values.push(this.#lagMs[i]!);
    if (values.length === 0) return undefined;
    const sorted = Float64Array.from(values).sort();
    return { p99Ms: sorted[Math.max(1, Math.ceil(0.99 * sorted.length)) - 1]!, maxMs: sorted[sorted.length - 1]! };
  }
}
