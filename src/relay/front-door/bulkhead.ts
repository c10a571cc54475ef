/**
 * The in-flight bound: beyond `limit` concurrent requests the relay refuses at once with 503 +
 * Retry-After instead of queueing, so overload costs the excess requests, not everyone's latency.
 * O(1) and allocation-free: a counter, no queue.
 */

export interface BulkheadOptions {
  /** Requests allowed in flight at once. */
  readonly limit: number;
  /** Seconds for the refusal's `Retry-After`. */
  readonly retryAfterS: number;
}

export class Bulkhead {
  private active = 0;
  readonly limit: number;
  /** Precomputed header value, so a refusal formats nothing. */
  readonly retryAfter: string;

  constructor(options: BulkheadOptions) {
    const { limit, retryAfterS } = options;
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`bulkhead limit: expected an integer >= 1, got ${String(limit)}`);
    if (!Number.isInteger(retryAfterS) || retryAfterS < 0) {
      throw new RangeError(`bulkhead retryAfterS: expected an integer >= 0, got ${String(retryAfterS)}`);
    }
    this.limit = limit;
    this.retryAfter = String(retryAfterS);
  }

  /** Requests currently admitted. */
  get inFlight(): number {
    return this.active;
  }

  /** Admits a request (true) or refuses it (false: answer 503 now). Pair each `true` with one `release()`. */
  tryAcquire(): boolean {
    if (this.active >= this.limit) return false;
    this.active++;
    return true;
  }

  /** Ends an admitted request. */
  release(): void {
    if (this.active > 0) this.active--;
  }
}
