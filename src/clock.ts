/**
 * The clock seam for time-driven harness code (the fault timeline, progress ticks): a monotonic
 * `now()` in milliseconds and the timer functions. Production passes nothing and gets
 * `systemClock`; tests pass a clock whose `now()` follows vitest's fake `Date`, so schedules are
 * driven with `vi.advanceTimersByTimeAsync` instead of sleeping.
 */

/** A timer handle as `setTimeout`/`setInterval` return it. */
export type TimerHandle = ReturnType<typeof setTimeout>;

export interface Clock {
  /** Milliseconds on a monotonic clock (only differences mean anything). */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(callback: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

/**
 * `performance.now()` and the global timers, looked up at each call (not captured at import), so
 * fake timers installed later still take effect.
 */
export const systemClock: Clock = Object.freeze({
  now: () => performance.now(),
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: TimerHandle) => clearTimeout(handle),
  setInterval: (callback: () => void, ms: number) => setInterval(callback, ms),
  clearInterval: (handle: TimerHandle) => clearInterval(handle),
});
