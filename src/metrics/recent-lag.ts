/**
 * Schedule lag of the most recently completed requests (sent − intended start), for the live
 * progress line: RecentLatency's ring buffer keeping the lag instead of the latency, read once a
 * second. The run's full lag histogram (every arrival, dropped ones included) is the generator's
 * own (load/schedule-lag.ts).
 */
import { RecentLatency } from './recent-latency.js';
import type { RequestRecord } from './record.js';

/** Dropped requests were never sent (RecentLatency skips them): their lag is in the generator's histogram only. */
const lagMsOf = (record: RequestRecord): number => Math.max(0, record.sentMs - record.intendedMs);

export class RecentLag {
  readonly #window: RecentLatency;

  constructor(windowMs = 5000, capacity = 50_000) {
    this.#window = new RecentLatency(windowMs, capacity, lagMsOf);
  }

  observe(record: RequestRecord): void {
    this.#window.observe(record);
  }

  /** Nearest-rank p99 and the max (ms) over requests completed in (nowMs - windowMs, nowMs]; undefined if none. */
  summary(nowMs: number): { p99Ms: number; maxMs: number } | undefined {
    const p99Ms = this.#window.percentile(99, nowMs);
    if (p99Ms === undefined) return undefined;
    return { p99Ms, maxMs: this.#window.percentile(100, nowMs)! };
  }
}
