/**
 * Requests-per-minute and tokens-per-minute limits as token buckets, the way providers meter:
 * each bucket holds a minute's allowance and refills continuously. A request takes one request
 * and its (prompt + completion) tokens from both buckets or, when either lacks room, nothing.
 */

export interface RateLimitOptions {
  /** Requests per minute; omitted = unlimited. */
  readonly rpm?: number;
  /** Tokens (prompt + completion) per minute; omitted = unlimited. */
  readonly tpm?: number;
}

/** One limit's state, for the dialects' rate-limit headers. */
export interface LimitState {
  readonly limit: number;
  readonly remaining: number;
  /** Until the bucket is full again (OpenAI's `x-ratelimit-reset-*`). */
  readonly resetMs: number;
}

export interface RateLimitSnapshot {
  readonly requests?: LimitState;
  readonly tokens?: LimitState;
}

export type RateDecision =
  | { readonly ok: true; readonly snapshot: RateLimitSnapshot }
  | {
      readonly ok: false;
      readonly limit: 'requests' | 'tokens';
      readonly retryAfterMs: number;
      readonly snapshot: RateLimitSnapshot;
    };

/** Problems with rate-limit options, naming the field. */
export function rateLimitProblems(field: string, value: unknown): string[] {
  if (typeof value !== 'object' || value === null)
    return [`${field}: expected { rpm?, tpm? }, received ${JSON.stringify(value)}`];
  const problems: string[] = [];
  for (const [key, limit] of Object.entries(value)) {
    if (key !== 'rpm' && key !== 'tpm') problems.push(`${field}: unknown key '${key}' (allowed: rpm, tpm)`);
    else if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) {
      problems.push(`${field}.${key}: expected a number > 0, received ${JSON.stringify(limit)}`);
    }
  }
  return problems;
}

class Bucket {
  private level: number;
  private at: number;
  private readonly perMs: number;

  constructor(
    readonly capacity: number,
    now: number,
  ) {
    this.level = capacity;
    this.at = now;
    this.perMs = capacity / 60_000;
  }

  /** Milliseconds until `amount` fits (0: it fits now). Requests above capacity wait a full minute. */
  waitFor(amount: number, now: number): number {
    this.refill(now);
    if (amount <= this.level) return 0;
    if (amount > this.capacity) return 60_000;
    return (amount - this.level) / this.perMs;
  }

  take(amount: number): void {
    this.level -= amount;
  }

  state(now: number): LimitState {
    this.refill(now);
    return {
      limit: this.capacity,
      remaining: Math.floor(this.level),
      resetMs: Math.ceil((this.capacity - this.level) / this.perMs),
    };
  }

  private refill(now: number): void {
    this.level = Math.min(this.capacity, this.level + (now - this.at) * this.perMs);
    this.at = now;
  }
}

export class RateLimiter {
  private readonly requests: Bucket | undefined;
  private readonly tokens: Bucket | undefined;

  constructor(
    options: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    const at = now();
    this.requests = options.rpm === undefined ? undefined : new Bucket(options.rpm, at);
    this.tokens = options.tpm === undefined ? undefined : new Bucket(options.tpm, at);
  }

  /** True when any limit is configured (the dialects then send rate-limit headers). */
  get active(): boolean {
    return this.requests !== undefined || this.tokens !== undefined;
  }

  /** Admits a request costing `tokens`, or says which limit refuses it and for how long. */
  admit(tokens: number): RateDecision {
    const now = this.now();
    const requestWait = this.requests?.waitFor(1, now) ?? 0;
    const tokenWait = this.tokens?.waitFor(tokens, now) ?? 0;
    if (requestWait > 0 || tokenWait > 0) {
      const limit = requestWait >= tokenWait ? 'requests' : 'tokens';
      return { ok: false, limit, retryAfterMs: Math.max(requestWait, tokenWait), snapshot: this.snapshot(now) };
    }
    this.requests?.take(1);
    this.tokens?.take(tokens);
    return { ok: true, snapshot: this.snapshot(now) };
  }

  snapshot(now = this.now()): RateLimitSnapshot {
    return {
      ...(this.requests === undefined ? {} : { requests: this.requests.state(now) }),
      ...(this.tokens === undefined ? {} : { tokens: this.tokens.state(now) }),
    };
  }
}

/** Go's duration text as OpenAI sends it in `x-ratelimit-reset-*`: `20ms`, `1.5s`, `6m0s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const totalSeconds = Math.ceil(ms / 100) / 10;
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const minutes = Math.floor(totalSeconds / 60);
  return `${minutes}m${Math.round((totalSeconds - minutes * 60) * 10) / 10}s`;
}
