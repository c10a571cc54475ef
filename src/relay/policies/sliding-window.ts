/**
 * Success/failure counts over the last `windowMs`, in `buckets` time buckets (a ring: fixed memory,
 * no allocation per record). Old buckets are recycled lazily when the clock reaches them again.
 */
export class SlidingWindow {
  private readonly bucketMs: number;
  /** Bucket number (floor(now / bucketMs)) each slot currently holds. */
  private readonly stamps: Float64Array;
  private readonly successes: Uint32Array;
  private readonly failures: Uint32Array;

  constructor(
    windowMs: number,
    private readonly buckets: number,
  ) {
    this.bucketMs = windowMs / buckets;
    this.stamps = new Float64Array(buckets).fill(-1);
    this.successes = new Uint32Array(buckets);
    this.failures = new Uint32Array(buckets);
  }

  record(success: boolean, now: number): void {
    const bucket = Math.floor(now / this.bucketMs);
    const slot = bucket % this.buckets;
    if (this.stamps[slot] !== bucket) {
      this.stamps[slot] = bucket;
      this.successes[slot] = 0;
      this.failures[slot] = 0;
    }
    if (success) this.successes[slot]! += 1;
    else this.failures[slot]! += 1;
  }

  /** Failures and total within the window ending at `now`; writes into `out` to avoid allocating. */
  totals(now: number, out: { failures: number; total: number }): { failures: number; total: number } {
    const newest = Math.floor(now / this.bucketMs);
    out.failures = 0;
    out.total = 0;
    for (let slot = 0; slot < this.buckets; slot++) {
      const stamp = this.stamps[slot]!;
      if (stamp > newest - this.buckets && stamp <= newest) {
        out.failures += this.failures[slot]!;
        out.total += this.failures[slot]! + this.successes[slot]!;
      }
    }
    return out;
  }

  clear(): void {
    this.stamps.fill(-1);
  }
}
