/**
 * A provider's API keys as a pool (`apiKeyEnvs`): each attempt takes one key, a 429 cools that key
 * alone down, and a 401/402/403 takes it out of the pool. `probeAfterMs` later the key is let in
 * for one request (a probe): served, it is back in the pool; refused again, it is out for another
 * period; anything else (a 5xx, a timeout) leaves it out and ready to be probed again. The pool holds
 * no key values, only indices and variable names, so it is safe to log, serialise and export;
 * the values live in the per-key target views' non-enumerable headers (see `target.ts`).
 * State is typed arrays of numbers: a pick allocates nothing.
 */
import type { KeyPoolView } from '../contract.js';

/** How the next key is chosen among the usable ones. */
export type KeySelection = 'least-used' | 'round-robin';

export const KEY_SELECTIONS: readonly KeySelection[] = Object.freeze(['least-used', 'round-robin']);

/** A bitmask of tried keys fits one 32-bit integer. */
export const MAX_POOL_KEYS = 31;

/** One key's state, as `/ready` and `/metrics` show it (never the key). */
export interface KeyStatus {
  readonly key: number;
  readonly env: string;
  readonly state: 'active' | 'cooling' | 'revoked';
  /** Cooling: ms left. */
  readonly remainingMs?: number;
  /** Revoked: why (`HTTP 401`). */
  readonly reason?: string;
  /** Revoked, with probes on: ms until it is let in for one probe request (0: at the next pick). */
  readonly probeInMs?: number;
}

/** Hooks for logs and metrics; neither ever sees a key value. */
export interface KeyPoolListeners {
  /** Called once per key taken out of the pool. */
  readonly revoked?: (provider: string, key: number, env: string, reason: string) => void;
  /** Called on every 429 that cools a key down. */
  readonly rateLimited?: (provider: string, key: number) => void;
  /** Called when a probe of a revoked key was served: the key is back in the pool. */
  readonly readmitted?: (provider: string, key: number, env: string) => void;
}

/** Told of this pool's own cooldowns and revocations (a fleet's shared state spreads them); never a key value. */
export interface KeyPoolSharer {
  cooled(pool: KeyPool, index: number, ms: number): void;
  revoked(pool: KeyPool, index: number, reason: string): void;
}

export class KeyPool implements KeyPoolView {
  readonly size: number;
  private readonly inFlight: Int32Array;
  private readonly lastPicked: Float64Array;
  private readonly coolUntil: Float64Array;
  private readonly revoked: (string | undefined)[];
  /** When each revoked key was (last) refused, on the `now` clock. */
  private readonly revokedAt: Float64Array;
  /** 1 while a revoked key's probe is in flight. */
  private readonly probing: Uint8Array;
  private cursor = 0;
  private picks = 0;
  private sharer: KeyPoolSharer | undefined;

  /** @throws RangeError naming the provider when the pool is empty or too large. */
  constructor(
    readonly provider: string,
    readonly envNames: readonly string[],
    readonly selection: KeySelection,
    private readonly listeners: KeyPoolListeners = {},
    /** A revoked key is probed this long after its last refusal; 0: never (out until restart). */
    private readonly probeAfterMs = 0,
  ) {
    this.size = envNames.length;
    if (this.size < 1 || this.size > MAX_POOL_KEYS)
      throw new RangeError(`provider ${provider}: apiKeyEnvs: expected 1..${MAX_POOL_KEYS} names, got ${this.size}`);
    this.inFlight = new Int32Array(this.size);
    this.lastPicked = new Float64Array(this.size);
    this.coolUntil = new Float64Array(this.size);
    this.revoked = new Array<string | undefined>(this.size).fill(undefined);
    this.revokedAt = new Float64Array(this.size);
    this.probing = new Uint8Array(this.size);
  }

  /**
   * Takes a usable key not in `exclude` (bit i = key i already tried by this attempt) and counts
   * it in flight until `release`. Least-used: fewest in flight, then the one picked longest ago,
   * so traffic spreads evenly and a key back from a cooldown is not flooded. -1 when none is usable.
   */
  pick(now: number, exclude = 0): number {
    let best = -1;
    for (let step = 0; step < this.size; step++) {
      const i = (this.cursor + step) % this.size;
      if ((exclude & (1 << i)) !== 0 || !this.usable(i, now)) continue;
      if (this.selection === 'round-robin') {
        best = i;
        break;
      }
      if (best === -1 || this.better(i, best)) best = i;
    }
    if (best === -1) return -1;
    if (this.revoked[best] !== undefined) this.probing[best] = 1; // a revoked key due for its probe
    this.cursor = (best + 1) % this.size;
    this.inFlight[best]!++;
    this.lastPicked[best] = ++this.picks;
    return best;
  }

  /** Tells `sharer` of every cooldown and revocation this pool sees itself (not of shared ones). */
  shareWith(sharer: KeyPoolSharer): void {
    this.sharer = sharer;
  }

  release(index: number): void {
    this.inFlight[index]!--;
  }

  /** Cools key `index` down for `ms` after a 429; a shorter cooldown never cuts a longer one. */
  coolDown(index: number, ms: number, now: number): void {
    this.probing[index] = 0; // a probe answered 429: not refused, not proven either
    this.coolUntil[index] = Math.max(this.coolUntil[index]!, now + ms);
    this.listeners.rateLimited?.(this.provider, index);
    this.sharer?.cooled(this, index, ms);
  }

  /** Another replica's 429 on key `index`: cools it here too, without counting a 429 of ours. */
  coolDownShared(index: number, ms: number, now: number): void {
    if (index >= 0 && index < this.size) this.coolUntil[index] = Math.max(this.coolUntil[index]!, now + ms);
  }

  /** Takes key `index` out of the pool (a failed probe: out for another period); the listener hears of it once. */
  revoke(index: number, reason: string, now = 0): void {
    this.revokedAt[index] = now;
    this.probing[index] = 0;
    if (this.revoked[index] !== undefined) return;
    this.revokeShared(index, reason);
    this.sharer?.revoked(this, index, reason);
  }

  /** Takes key `index` out because another replica did (logged here too, once). */
  revokeShared(index: number, reason: string): void {
    if (index < 0 || index >= this.size || this.revoked[index] !== undefined) return;
    this.revoked[index] = reason;
    this.listeners.revoked?.(this.provider, index, this.envNames[index]!, reason);
  }

  /**
   * The attempt with key `index` ended without blaming the key. A probe that was `served` puts the
   * key back in the pool; an inconclusive one (5xx, timeout, cancelled) leaves it out, probed again next.
   */
  probeEnded(index: number, served: boolean): void {
    if (this.probing[index] === 0) return;
    this.probing[index] = 0;
    if (!served) return;
    this.revoked[index] = undefined;
    this.listeners.readmitted?.(this.provider, index, this.envNames[index]!);
  }

  /** 0 when a key is usable now, else ms until the soonest key is back (cooled or due a probe); Infinity: never. */
  waitMs(now: number): number {
    let soonest = Infinity;
    for (let i = 0; i < this.size; i++) {
      const left = this.revoked[i] === undefined ? this.coolUntil[i]! - now : this.probeInMs(i, now);
      if (left <= 0) return 0;
      soonest = Math.min(soonest, left);
    }
    return soonest;
  }

  /** Every key's state, for `/ready` detail and `/metrics`. */
  status(now: number): KeyStatus[] {
    return this.envNames.map((env, key): KeyStatus => {
      const reason = this.revoked[key];
      if (reason !== undefined) {
        const probe = this.probeInMs(key, now);
        return probe === Infinity
          ? { key, env, state: 'revoked', reason }
          : { key, env, state: 'revoked', reason, probeInMs: Math.max(0, Math.ceil(probe)) };
      }
      const left = this.coolUntil[key]! - now;
      return left > 0 ? { key, env, state: 'cooling', remainingMs: Math.ceil(left) } : { key, env, state: 'active' };
    });
  }

  private usable(i: number, now: number): boolean {
    if (this.revoked[i] !== undefined) return this.probeInMs(i, now) <= 0;
    return this.coolUntil[i]! <= now;
  }

  /** Ms until revoked key `i` may be probed; Infinity with probes off or one in flight. */
  private probeInMs(i: number, now: number): number {
    if (this.probeAfterMs <= 0 || this.probing[i] === 1) return Infinity;
    return Math.max(this.revokedAt[i]! + this.probeAfterMs, this.coolUntil[i]!) - now;
  }

  private better(i: number, best: number): boolean {
    const a = this.inFlight[i]!;
    const b = this.inFlight[best]!;
    return a < b || (a === b && this.lastPicked[i]! < this.lastPicked[best]!);
  }
}
