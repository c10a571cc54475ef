/**
 * A replica's lease on a fleet-wide key rate: tokens taken from the shared Redis bucket ahead of
 * need, so requests at high rates take from local memory instead of waiting for Redis. A lease
 * holds at most 10 ms of the key's rate and is topped up in the background when half spent;
 * tokens unused for 1 s go back to the bucket with the next script call (a replica that stops
 * seeing the key keeps at most one lease unused). Every token a request takes came out of the
 * shared bucket first, so the fleet never admits more than the bucket gave out.
 */
/** How much of the rate one lease holds. */
export const LEASE_MS = 10;
/** Leased tokens unused for this long go back to the bucket. */
export const LEASE_HOLD_MS = 1_000;

/** Tokens per lease for a rate: 10 ms of it (under 2, the rate is checked per request instead). */
export function leaseSize(perMinute: number): number {
  return Math.floor((perMinute / 60_000) * LEASE_MS);
}

/** Tokens taken from the shared bucket, and seconds until one is back when none was (Retry-After). */
export interface SharedTake {
  readonly taken: number;
  readonly waitS: number;
}

/** Takes `want` tokens from the shared bucket, giving `back` unused ones back; `undefined` without Redis. */
export type TakeShared = (want: number, back: number) => Promise<SharedTake | undefined>;

export class KeyRateLease {
  private tokens = 0;
  /** performance.now() after which the tokens held are given back. */
  private expiresAt = 0;
  /** Expired tokens waiting to go back with the next script call. */
  private owedBack = 0;
  private pending: Promise<SharedTake | undefined> | undefined;
  private readonly size: number;

  constructor(
    readonly perMinute: number,
    private readonly takeShared: TakeShared,
  ) {
    this.size = leaseSize(perMinute);
  }

  /** Takes one token from the lease if it has one; tops it up in the background when half spent. */
  takeLocal(): boolean {
    this.expire();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    if (this.tokens < this.size / 2) void this.refill();
    return true;
  }

  /**
   * Tops the lease up to its size (one script call; concurrent callers share it). The script's
   * answer, `undefined` when Redis failed.
   */
  refill(): Promise<SharedTake | undefined> {
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetch(): Promise<SharedTake | undefined> {
    this.expire();
    const back = this.owedBack;
    this.owedBack = 0;
    const want = Math.max(1, this.size - Math.floor(this.tokens));
    const answer = await this.takeShared(want, back);
    if (answer === undefined) return undefined; // Redis trouble: the link is degraded, requests use local buckets
    this.tokens += answer.taken;
    this.expiresAt = performance.now() + LEASE_HOLD_MS;
    return answer;
  }

  /** Tokens held past the hold are owed back to the bucket (not used here any more). */
  private expire(): void {
    if (this.tokens > 0 && performance.now() > this.expiresAt) {
      this.owedBack += this.tokens;
      this.tokens = 0;
    }
  }
}
