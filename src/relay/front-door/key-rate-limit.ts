/**
 * Per-key request rate: a token bucket per client key holding up to a minute's worth of requests
 * (`requestsPerMinute`), refilled continuously. A request finding it empty is refused with 429 and
 * a Retry-After of the time until one token is back. O(1) per request, one small record per key.
 */
import type { ClientKey } from './auth.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * What the pipeline asks: 0 when the request may pass, else seconds until it could. A fleet's
 * shared limiter (`state/shared-key-rate.ts`) answers asynchronously, the local one at once.
 */
export interface KeyRateCheck {
  take(client: ClientKey): number | Promise<number>;
}

export class KeyRateLimiter implements KeyRateCheck {
  private readonly buckets = new Map<string, Bucket>();

  /** @param now monotonic ms clock. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** 0 when the request may pass (a token is taken), else seconds until it could (for Retry-After). */
  take(client: ClientKey): number {
    const perMinute = client.requestsPerMinute;
    if (perMinute === undefined) return 0;
    const now = this.now();
    let bucket = this.buckets.get(client.id);
    if (bucket === undefined) {
      bucket = { tokens: perMinute, updatedAt: now };
      this.buckets.set(client.id, bucket);
    }
    const perMs = perMinute / 60_000;
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.updatedAt) * perMs);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }
}
