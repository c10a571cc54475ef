/**
 * A clock the test moves by hand, for code that takes a `Clock` (src/clock.ts): `now()` is
 * virtual, timers fire in due order when `advance` passes their time. Unlike global fake timers
 * it leaves the real sockets, servers and undici timers in the same test alone, so a schedule's
 * steps are driven exactly while its HTTP calls run for real.
 */
import type { Clock, TimerHandle } from '../../src/clock.js';

interface Timer {
  id: number;
  dueMs: number;
  everyMs?: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  private nowMs = 0;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return this.nowMs;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.add({ id: this.nextId++, dueMs: this.nowMs + Math.max(0, ms), callback });
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    const everyMs = Math.max(1, ms);
    return this.add({ id: this.nextId++, dueMs: this.nowMs + everyMs, everyMs, callback });
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }

  clearInterval(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }

  /** Timers not yet fired (or intervals still running). */
  get pending(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way in due order (creation order at
   * equal times), with `now()` at each timer's due time while it runs.
   */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      const next = [...this.timers.values()]
        .filter((t) => t.dueMs <= target)
        .sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (next === undefined) break;
      this.nowMs = next.dueMs;
      if (next.everyMs === undefined) this.timers.delete(next.id);
      else next.dueMs += next.everyMs;
      next.callback();
    }
    this.nowMs = target;
  }

  private add(timer: Timer): TimerHandle {
    this.timers.set(timer.id, timer);
    return timer.id as unknown as TimerHandle;
  }
}

/** Resolves once `predicate` holds, checking whenever `check()` is called (e.g. from an event handler). */
export class Waiter<T> {
  readonly items: T[] = [];
  private waiting: Array<{ predicate: (items: readonly T[]) => boolean; resolve: () => void }> = [];

  /** Records an item and wakes the waits it satisfies. */
  readonly push = (item: T): void => {
    this.items.push(item);
    this.waiting = this.waiting.filter((w) => (w.predicate(this.items) ? (w.resolve(), false) : true));
  };

  /** Resolves once `predicate` holds for the items so far; rejects after `timeoutMs` (a safety net, never a wait). */
  until(predicate: (items: readonly T[]) => boolean, timeoutMs = 10_000): Promise<void> {
    if (predicate(this.items)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Waiter: condition not met within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({ predicate, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** Resolves once `count` items are in. */
  count(count: number, timeoutMs?: number): Promise<void> {
    return this.until((items) => items.length >= count, timeoutMs);
  }
}
