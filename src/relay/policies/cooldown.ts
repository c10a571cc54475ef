/**
 * Per-target cooldowns: a target that said "come back in N ms" (429/503/529 with Retry-After) is
 * skipped until exactly then. Nothing sleeps: the chain moves on to the next target at once, and
 * the cooldown simply ends when the clock passes its end (checked lazily, no timer per target).
 */
import type { PolicyEvents } from './events.js';

export interface CooldownDeps {
  /** The engine's clock in ms (`performance.now()` by default). */
  readonly now: () => number;
  readonly events?: PolicyEvents | undefined;
}

export class CooldownRegistry {
  /** Target name -> end of its cooldown on the `now()` clock. Numbers only: no object per cooldown. */
  private readonly until = new Map<string, number>();

  constructor(private readonly deps: CooldownDeps) {}

  /**
   * Cools `target` down for `ms` from now. A shorter cooldown never cuts a longer running one.
   * @returns the cooldown's end.
   */
  coolDown(target: string, ms: number, reason: string): number {
    const at = this.deps.now();
    const end = at + Math.max(0, ms);
    const current = this.until.get(target);
    if (current !== undefined && current >= end) return current;
    this.until.set(target, end);
    this.deps.events?.emit('cooldown', { type: 'cooldown', target, untilMs: end, reason, at });
    return end;
  }

  /** True while `target` is cooling: from `coolDown` until (excluding) its end. */
  isCooling(target: string, now = this.deps.now()): boolean {
    return this.remainingMs(target, now) > 0;
  }

  /** Milliseconds left, 0 when not cooling. Forgets ended cooldowns so the map stays small. */
  remainingMs(target: string, now = this.deps.now()): number {
    const end = this.until.get(target);
    if (end === undefined) return 0;
    if (end <= now) {
      this.until.delete(target);
      return 0;
    }
    return end - now;
  }

  /** Ends a cooldown early (e.g. an operator reset). */
  clear(target: string): void {
    this.until.delete(target);
  }
}
