/**
 * A per-target circuit breaker: closed -> open -> halfOpen -> closed, then a slow-start ramp.
 *
 * - closed: trips on `consecutiveFailures` in a row, or on a failure rate >= `failureRate` over
 *   the sliding `windowMs` once it holds at least `minimumVolume` results.
 * - open: admits nothing for `openMs`; then the next `acquire` moves it to halfOpen.
 * - halfOpen: admits at most `halfOpenProbes` requests at once; `halfOpenSuccesses` successes
 *   close it, any failure reopens it.
 * - closed after recovery: `share()` grows linearly from `rampStartShare` to 1 over `rampMs`, and
 *   the router sends only that share of its traffic here.
 *
 * Every transition replaces the whole state object and emits a `breaker` event. `acquire` hands
 * out the current state as the ticket; a result whose ticket is not the current state belongs to
 * a previous state and is dropped.
 */
import type { BreakerStateName, PolicyEvents } from './events.js';
import { SlidingWindow } from './sliding-window.js';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  readonly consecutiveFailures: number;
  /** Failure ratio over `windowMs` that opens it, once `minimumVolume` results were seen in the window. */
  readonly failureRate: number;
  readonly minimumVolume: number;
  readonly windowMs: number;
  /** How long an open breaker admits nothing before probing. */
  readonly openMs: number;
  /** Concurrent probe requests allowed while half-open. */
  readonly halfOpenProbes: number;
  /** Probe successes that close it. */
  readonly halfOpenSuccesses: number;
  /** After closing, the traffic share ramps from `rampStartShare` to 1 over this time (0: straight to full traffic). */
  readonly rampMs: number;
  readonly rampStartShare: number;
}

export const breakerDefaults: BreakerOptions = Object.freeze({
  consecutiveFailures: 5,
  failureRate: 0.5,
  minimumVolume: 20,
  windowMs: 10_000,
  openMs: 5_000,
  halfOpenProbes: 1,
  halfOpenSuccesses: 2,
  rampMs: 10_000,
  rampStartShare: 0.1,
});

export type BreakerState =
  /** `rampFrom`: when it closed after an outage (slow start), undefined if never tripped. */
  | { readonly kind: 'closed'; consecutive: number; readonly rampFrom: number | undefined }
  | { readonly kind: 'open'; readonly openedAt: number }
  | { readonly kind: 'halfOpen'; probesInFlight: number; successes: number };

/** How one result counts: a 4xx is the client's fault (success: the target answered). */
export type BreakerResult = 'success' | 'failure' | 'ignore';

const WINDOW_BUCKETS = 10;

export class CircuitBreaker {
  private current: BreakerState = { kind: 'closed', consecutive: 0, rampFrom: undefined };
  private readonly window: SlidingWindow;
  /** Reused by every trip check: no allocation per result. */
  private readonly scratch = { failures: 0, total: 0 };

  /** @param options already validated (see {@link validateBreakerOptions}). */
  constructor(
    readonly target: string,
    private readonly options: BreakerOptions,
    private readonly now: () => number,
    private readonly events?: PolicyEvents,
  ) {
    this.window = new SlidingWindow(options.windowMs, WINDOW_BUCKETS);
  }

  get state(): BreakerState {
    return this.current;
  }

  /** The ticket to pass to {@link release}, or undefined when the breaker admits nothing now. */
  acquire(now = this.now()): BreakerState | undefined {
    const state = this.current;
    switch (state.kind) {
      case 'closed':
        return state;
      case 'open':
        if (now - state.openedAt < this.options.openMs) return undefined;
        this.transition({ kind: 'halfOpen', probesInFlight: 0, successes: 0 }, now);
        return this.acquire(now);
      case 'halfOpen':
        if (state.probesInFlight >= this.options.halfOpenProbes) return undefined;
        state.probesInFlight++;
        return state;
      default: {
        const unreachable: never = state;
        return unreachable;
      }
    }
  }

  /** Records the result of an admitted request; stale tickets (an earlier state) are dropped. */
  release(ticket: BreakerState, result: BreakerResult, now = this.now()): void {
    if (ticket !== this.current) return;
    const state = this.current;
    switch (state.kind) {
      case 'closed':
        if (result !== 'ignore') this.recordClosed(state, result === 'success', now);
        return;
      case 'halfOpen':
        state.probesInFlight--;
        if (result === 'failure') this.transition({ kind: 'open', openedAt: now }, now);
        else if (result === 'success' && ++state.successes >= this.options.halfOpenSuccesses) this.close(now);
        return;
      case 'open':
        return; // unreachable with a current ticket: acquire never hands out an open state
      default: {
        const unreachable: never = state;
        return unreachable;
      }
    }
  }

  /**
   * A verdict that arrives after the request's ticket was released: a stream's end (its ticket is
   * released without a verdict at the first byte, when the attempt resolves). Same effect as a
   * release in the current state, minus the probe slot.
   */
  record(result: BreakerResult, now = this.now()): void {
    const state = this.current;
    if (result === 'ignore') return;
    if (state.kind === 'closed') this.recordClosed(state, result === 'success', now);
    else if (state.kind === 'halfOpen') {
      if (result === 'failure') this.transition({ kind: 'open', openedAt: now }, now);
      else if (++state.successes >= this.options.halfOpenSuccesses) this.close(now);
    }
  }

  /** An active health check's result: failures count as failures; a success ends an open wait early. */
  recordHealth(healthy: boolean, now = this.now()): void {
    const state = this.current;
    if (state.kind === 'closed' && !healthy) this.recordClosed(state, false, now);
    else if (state.kind === 'open' && healthy)
      this.transition({ kind: 'halfOpen', probesInFlight: 0, successes: 0 }, now);
    else if (state.kind === 'halfOpen' && !healthy) this.transition({ kind: 'open', openedAt: now }, now);
  }

  /**
   * Another replica opened this target's breaker at `openedAt` (on this breaker's clock): open here
   * too, unless it is already open since then. In-flight tickets go stale, as on any transition.
   */
  openShared(openedAt: number, now = this.now()): void {
    const state = this.current;
    if (state.kind === 'open' && state.openedAt >= openedAt) return;
    this.transition({ kind: 'open', openedAt }, now);
  }

  /** Another replica's half-open probe succeeded: an open breaker here goes half-open at once (its own probes close it). */
  endOpenShared(now = this.now()): void {
    if (this.current.kind === 'open') this.transition({ kind: 'halfOpen', probesInFlight: 0, successes: 0 }, now);
  }

  /** Whether `acquire` would admit a request now, without changing anything. */
  wouldAdmit(now = this.now()): boolean {
    const state = this.current;
    if (state.kind === 'closed') return true;
    if (state.kind === 'open') return now - state.openedAt >= this.options.openMs;
    return state.probesInFlight < this.options.halfOpenProbes;
  }

  /** Milliseconds until an open breaker lets a probe through; 0 otherwise. */
  openRemainingMs(now = this.now()): number {
    const state = this.current;
    return state.kind === 'open' ? Math.max(0, state.openedAt + this.options.openMs - now) : 0;
  }

  /** Share of traffic this target may take: the slow-start ramp after recovery, else 1. */
  share(now = this.now()): number {
    const state = this.current;
    if (state.kind !== 'closed' || state.rampFrom === undefined || this.options.rampMs === 0) return 1;
    const { rampStartShare, rampMs } = this.options;
    return Math.min(1, rampStartShare + ((1 - rampStartShare) * (now - state.rampFrom)) / rampMs);
  }

  private recordClosed(state: BreakerState & { kind: 'closed' }, success: boolean, now: number): void {
    this.window.record(success, now);
    if (success) {
      state.consecutive = 0;
      return;
    }
    state.consecutive++;
    const { failures, total } = this.window.totals(now, this.scratch);
    const { consecutiveFailures, minimumVolume, failureRate } = this.options;
    if (state.consecutive >= consecutiveFailures || (total >= minimumVolume && failures / total >= failureRate)) {
      this.transition({ kind: 'open', openedAt: now }, now);
    }
  }

  private close(now: number): void {
    this.window.clear();
    this.transition({ kind: 'closed', consecutive: 0, rampFrom: this.options.rampMs > 0 ? now : undefined }, now);
  }

  private transition(next: BreakerState, now: number): void {
    const from: BreakerStateName = this.current.kind;
    this.current = next;
    this.events?.emit('breaker', { type: 'breaker', target: this.target, from, to: next.kind, at: now });
  }
}

/** Checks options once, at engine construction. @throws RangeError naming the field and value. */
export function validateBreakerOptions(options: BreakerOptions): BreakerOptions {
  const positiveInts = ['consecutiveFailures', 'minimumVolume', 'halfOpenProbes', 'halfOpenSuccesses'] as const;
  for (const field of positiveInts) {
    if (!Number.isInteger(options[field]) || options[field] < 1)
      throw invalid(field, options[field], 'an integer >= 1');
  }
  for (const field of ['windowMs', 'openMs'] as const) {
    if (!Number.isFinite(options[field]) || options[field] <= 0) throw invalid(field, options[field], 'a number > 0');
  }
  if (!Number.isFinite(options.rampMs) || options.rampMs < 0) throw invalid('rampMs', options.rampMs, 'a number >= 0');
  for (const field of ['failureRate', 'rampStartShare'] as const) {
    if (!(options[field] > 0 && options[field] <= 1)) throw invalid(field, options[field], 'a number in (0, 1]');
  }
  return options;
}

function invalid(field: string, value: unknown, allowed: string): RangeError {
  return new RangeError(`breaker.${field}: expected ${allowed}, got ${String(value)}`);
}
