/**
 * Rate limits per API key, as providers meter them: every key a request carries gets its own
 * requests- and tokens-per-minute buckets, so a relay spreading traffic over several keys sees
 * one key's 429 while the others still serve. Keys are remembered up to a bound, oldest first out.
 */
import { RateLimiter, type RateDecision, type RateLimitOptions, type RateLimitSnapshot } from './rate-limiter.js';

/** More distinct keys than any drill uses; bounds memory against a client sending random keys. */
const MAX_KEYS = 1024;

export class KeyRateLimits {
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True when a per-key limit is configured. */
  get active(): boolean {
    return this.options.rpm !== undefined || this.options.tpm !== undefined;
  }

  /** Admits a request of `credential` costing `tokens`, or says which of its limits refuses it. */
  admit(credential: string, tokens: number): RateDecision {
    let limiter = this.limiters.get(credential);
    if (limiter === undefined) {
      if (this.limiters.size >= MAX_KEYS) this.limiters.delete(this.limiters.keys().next().value!);
      limiter = new RateLimiter(this.options, this.now);
      this.limiters.set(credential, limiter);
    }
    return limiter.admit(tokens);
  }

  /** Each key's buckets by its last 4 characters (never the whole key), for the control API's stats. */
  snapshot(): Record<string, RateLimitSnapshot> {
    const out: Record<string, RateLimitSnapshot> = {};
    for (const [credential, limiter] of this.limiters) out[`…${credential.slice(-4)}`] = limiter.snapshot();
    return out;
  }
}
