/**
 * The in-flight bound: beyond `limit` concurrent requests the relay refuses at once with 503 +
 * Retry-After instead of queueing, so overload costs the excess requests, not everyone's latency.
 * Requests whose body is still arriving are counted apart (`maxUnread`): a slow client holds an
 * unread-body place, never an in-flight slot, so a thousand stalled uploads cannot starve healthy
 * clients. O(1) and allocation-free: counters, no queue.
 */

export interface BulkheadOptions {
  /** Requests allowed in flight at once. */
  readonly limit: number;
  /** Seconds for the refusal's `Retry-After`. */
  readonly retryAfterS: number;
  /** Requests allowed to be receiving their body at once; unbounded when absent. */
  readonly maxUnread?: number | undefined;
}

/** Why a request is refused at its start: the in-flight slots or the unread-body places are all taken. */
export type StartRefusal = 'overload' | 'unread_bodies';

export class Bulkhead {
  private active = 0;
  private reading = 0;
  readonly limit: number;
  readonly maxUnread: number;
  /** Precomputed header value, so a refusal formats nothing. */
  readonly retryAfter: string;

  constructor(options: BulkheadOptions) {
    const { limit, retryAfterS, maxUnread = Number.POSITIVE_INFINITY } = options;
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`bulkhead limit: expected an integer >= 1, got ${String(limit)}`);
    if (!Number.isInteger(retryAfterS) || retryAfterS < 0) {
      throw new RangeError(`bulkhead retryAfterS: expected an integer >= 0, got ${String(retryAfterS)}`);
    }
    if (maxUnread !== Number.POSITIVE_INFINITY && (!Number.isInteger(maxUnread) || maxUnread < 1)) {
      throw new RangeError(`bulkhead maxUnread: expected an integer >= 1, got ${String(maxUnread)}`);
    }
    this.limit = limit;
    this.maxUnread = maxUnread;
    this.retryAfter = String(retryAfterS);
  }

  /** Requests currently admitted. */
  get inFlight(): number {
    return this.active;
  }

  /** Requests currently receiving their body (holding no in-flight slot). */
  get unread(): number {
    return this.reading;
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

  /**
   * The decision at a request's start, before its body is read: undefined when it may read its
   * body (pair with {@link bodyRead} or {@link abandonRead}), else why it is refused.
   */
  tryStartReading(): StartRefusal | undefined {
    if (this.active >= this.limit) return 'overload';
    if (this.reading >= this.maxUnread) return 'unread_bodies';
    this.reading++;
    return undefined;
  }

  /** The body has arrived: gives up the unread place and takes an in-flight slot (false: full, refuse). */
  bodyRead(): boolean {
    if (this.reading > 0) this.reading--;
    return this.tryAcquire();
  }

  /** The request ended (client gone, timed out) before its body arrived. */
  abandonRead(): void {
    if (this.reading > 0) this.reading--;
  }
}
