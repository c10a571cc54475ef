/**
 * The limits of a served stream, watched by one timer: the longest wait on upstream for the next
 * network chunk (`idleMs`) and the request's deadline. Hot path: the timer is armed once at the
 * first content chunk and re-armed only when it fires (at most every `idleMs`), never per chunk;
 * a read only records when it began waiting, and the timer compares against that. Time the
 * consumer holds the stream (a slow client) is not a wait on upstream and never counts as idle.
 */

/** What bounds a served stream (the engine's timers stop at the first content chunk). */
export interface StreamLimits {
  /** Longest wait on upstream for the next network chunk, in ms; Infinity: none. */
  readonly idleMs: number;
  /** `performance.now()` ms by which the stream must have ended; Infinity: none. */
  readonly deadline: number;
  /** Set: unreadable events are dropped (and reported here) instead of failing the stream. */
  readonly skipMalformed?: ((message: string) => void) | undefined;
}

export const NO_LIMITS: StreamLimits = Object.freeze({ idleMs: Infinity, deadline: Infinity });

/** Which limit passed, as the client's error event names it. */
export type LimitCode = 'upstream_stream_stalled' | 'deadline_exceeded';

/** Told when a limit passed (once); the watch stops then. */
export interface LimitListener {
  limitPassed(message: string, code: LimitCode): void;
}

/** setTimeout's largest delay; longer ones would fire at once. */
const MAX_DELAY_MS = 2_147_483_647;

export class StreamWatch {
  private timer: NodeJS.Timeout | undefined;
  /** `performance.now()` when the pending upstream read began; NaN while none is pending. */
  private waitingSince = NaN;
  private stopped = false;

  constructor(
    private readonly limits: StreamLimits,
    private readonly listener: LimitListener,
  ) {}

  /** Starts watching (at the first content chunk); nothing to watch without limits. */
  start(): void {
    this.arm(performance.now());
  }

  /** A read on upstream begins. */
  waiting(): void {
    this.waitingSince = performance.now();
  }

  /** The read settled: the consumer holds the stream until the next `waiting()`. */
  settled(): void {
    this.waitingSince = NaN;
  }

  /** Clears the timer for good. Idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** @internal The timer fired: tells the listener if a limit passed, else re-arms. */
  check(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const now = performance.now();
    const { idleMs, deadline } = this.limits;
    // NaN (no read pending) never compares as idle.
    if (now >= deadline) return this.pass('the request deadline passed mid-stream', 'deadline_exceeded');
    if (now - this.waitingSince >= idleMs)
      return this.pass(`upstream sent nothing for ${idleMs} ms mid-stream`, 'upstream_stream_stalled');
    this.arm(now);
  }

  private pass(message: string, code: LimitCode): void {
    this.stop();
    this.listener.limitPassed(message, code);
  }

  /** Arms the timer for whichever limit is due first (a wait not yet begun counts from now). */
  private arm(now: number): void {
    const { idleMs, deadline } = this.limits;
    const due = Math.min((Number.isNaN(this.waitingSince) ? now : this.waitingSince) + idleMs, deadline);
    if (this.stopped || due === Infinity) return;
    this.timer = setTimeout(fire, Math.min(MAX_DELAY_MS, Math.max(0, due - now)), this);
  }
}

function fire(watch: StreamWatch): void {
  watch.check();
}
