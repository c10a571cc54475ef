/**
 * One pass over a request's ordered candidates: failover to the next candidate as soon as an
 * attempt fails (never sleeping), and, with hedging on, a parallel attempt on the next candidate
 * when the one in flight is slow. The first served answer wins and the others are aborted; a
 * non-retryable answer (a 4xx) ends the pass for the client.
 */
import { isServed, type FailedOutcome, type RelayTarget, type ServedOutcome } from '../contract.js';
import { launch, LostRaceError, type Launch, type LaunchDeps, type RequestState } from './launch.js';

export type RoundEnd =
  | { readonly kind: 'served'; readonly target: RelayTarget; readonly outcome: ServedOutcome }
  | { readonly kind: 'rejected'; readonly target: RelayTarget; readonly outcome: FailedOutcome }
  /** Every candidate failed or was skipped, or the request's signal aborted. */
  | { readonly kind: 'failed' };

export interface HedgeControl {
  readonly maxParallel: number;
  /** Delay before hedging the attempt just started on `target`; undefined: do not hedge. */
  delayMs(target: RelayTarget): number | undefined;
  /** Takes one hedge from the budget. */
  tryHedge(): boolean;
}

/** Retrying the last candidate of a pass after a transient failure (`retry.sameTarget`). */
export interface SameTargetRetry {
  /** Extra attempts allowed on the last candidate (0: none). */
  readonly max: number;
  /** The backoff before the `n`-th extra attempt (from 1). */
  backoffMs(n: number): number;
  /** Takes one retry from the request-wide retry budget. */
  tryRetry(): boolean;
}

/** Failures a second try of the same target a moment later may not repeat. */
const TRANSIENT: ReadonlySet<string> = new Set([
  'connect',
  'reset',
  'protocol',
  'status_5xx',
  'status_other',
  'error_body',
  'malformed',
]);

const FAILED: RoundEnd = Object.freeze({ kind: 'failed' });

/** Refusals that send the request to the next target, and the skips they cause. */
const REFUSALS: ReadonlySet<string> = new Set(['context_length', 'model_not_found']);
const REFUSAL_SKIPS: ReadonlySet<string> = new Set([...REFUSALS, 'context_window']);

/** Runs one pass; resolves when an answer is decided or every candidate is spent. */
export function runRound(
  deps: LaunchDeps,
  request: RequestState,
  order: readonly RelayTarget[],
  hedge: HedgeControl | undefined,
  sameTarget?: SameTargetRetry,
): Promise<RoundEnd> {
  return new Round(deps, request, order, hedge, sameTarget).run();
}

/** The state of one pass: attempts in flight, settled ones not yet looked at, the hedge timer. */
class Round {
  private readonly active: Launch[] = [];
  private readonly settled: Launch[] = [];
  private next = 0;
  private hedgeDue = false;
  private hedgeTimer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  /** The latest refusal (prompt too long, no such model): the answer if no other target can serve. */
  private refusal: Extract<RoundEnd, { kind: 'rejected' }> | undefined;
  private readonly failedBefore: number;
  private sameTargetRetries = 0;

  constructor(
    private readonly deps: LaunchDeps,
    private readonly request: RequestState,
    private readonly order: readonly RelayTarget[],
    private readonly hedge: HedgeControl | undefined,
    private readonly sameTarget: SameTargetRetry | undefined,
  ) {
    this.failedBefore = request.failures.length;
  }

  async run(): Promise<RoundEnd> {
    if (!this.start()) return FAILED;
    try {
      for (;;) {
        if (this.settled.length === 0 && !this.hedgeDue) await new Promise<void>((resolve) => (this.wake = resolve));
        const entry = this.settled.shift();
        if (entry === undefined) {
          this.hedgeNow();
          continue;
        }
        this.active.splice(this.active.indexOf(entry), 1);
        const outcome = entry.outcome!;
        if (isServed(outcome)) return this.finish({ kind: 'served', target: entry.target, outcome }, entry);
        if (!outcome.verdict.retryable && outcome.status !== undefined && !entry.lost) {
          return this.finish({ kind: 'rejected', target: entry.target, outcome }, entry);
        }
        if (REFUSALS.has(outcome.verdict.kind) && !entry.lost)
          this.refusal = { kind: 'rejected', target: entry.target, outcome };
        if (this.request.timer.stopped) return this.finish(FAILED);
        if (this.active.length > 0) continue; // a hedge is still running: let it answer
        if (this.start()) this.request.failovers++;
        else if (!(await this.retryLast(entry))) return this.spent();
      }
    } finally {
      if (this.hedgeTimer !== undefined) clearTimeout(this.hedgeTimer);
    }
  }

  /**
   * The last candidate failed and nothing is left: after a transient failure, try it again after
   * a backoff, while `retry.sameTarget`, the retry budget and the deadline allow (a cooling
   * target is left alone: its Retry-After decides). @returns false when it was not retried.
   */
  private async retryLast(failed: Launch): Promise<boolean> {
    const retry = this.sameTarget;
    const { deps, request } = this;
    const { target, outcome } = failed;
    if (retry === undefined || this.sameTargetRetries >= retry.max || failed.lost) return false;
    if (!TRANSIENT.has(outcome!.verdict.kind) || deps.cooldowns.remainingMs(target.name, deps.now()) > 0) return false;
    const wait = retry.backoffMs(++this.sameTargetRetries);
    if (deps.now() + wait >= request.deadline || !retry.tryRetry()) return false;
    if (!(await request.timer.pause(wait))) return false;
    return this.begin(launch(deps, request, target));
  }

  /** Starts the next candidate that admits an attempt (and arms its hedge delay); false when none is left. */
  private start(): boolean {
    while (this.next < this.order.length)
      if (this.begin(launch(this.deps, this.request, this.order[this.next++]!))) return true;
    return false;
  }

  /** Tracks a launched attempt and arms its hedge delay; false when it was not launched (skipped). */
  private begin(entry: Launch | undefined): boolean {
    if (entry === undefined) return false;
    const { order, hedge } = this;
    this.active.push(entry);
    void entry.settled.then(this.onSettled);
    if (this.hedgeTimer !== undefined) clearTimeout(this.hedgeTimer);
    this.hedgeDue = false;
    const delay =
      hedge !== undefined && this.next < order.length && this.active.length < hedge.maxParallel
        ? hedge.delayMs(entry.target)
        : undefined;
    this.hedgeTimer = delay === undefined ? undefined : setTimeout(this.onHedgeTimer, delay);
    return true;
  }

  /**
   * Every candidate is spent. When all that happened was refusals (and the skips of targets too
   * small for the prompt), the client gets the latest refusal as it is (a 400 or 404 it can act
   * on), not a 503 that invites it to send the same request again.
   */
  private spent(): RoundEnd {
    if (this.refusal === undefined) return FAILED;
    const { failures } = this.request;
    for (let i = this.failedBefore; i < failures.length; i++) if (!REFUSAL_SKIPS.has(failures[i]!.kind)) return FAILED;
    return this.refusal;
  }

  /** The hedge delay passed with no answer: start the next candidate in parallel, budget permitting. */
  private hedgeNow(): void {
    this.hedgeDue = false;
    const hedge = this.hedge!;
    const room = this.active.length < hedge.maxParallel && this.next < this.order.length;
    if (room && !this.request.timer.stopped && hedge.tryHedge()) {
      this.request.hedges++;
      this.start();
    }
  }

  /** Aborts every attempt but the winner (a loser's stream, already settled, is cancelled). */
  private finish(end: RoundEnd, winner?: Launch): RoundEnd {
    for (const entry of this.active) {
      if (entry === winner) continue;
      entry.lost = true;
      const { outcome } = entry;
      if (outcome === undefined) entry.controller.abort(new LostRaceError());
      // Settled in the same tick as the winner: its stream is settled too, and unwanted.
      else if (outcome.response?.kind === 'stream') outcome.response.cancel();
    }
    return end;
  }

  private notify(): void {
    const resume = this.wake;
    this.wake = undefined;
    resume?.();
  }

  private readonly onSettled = (entry: Launch): void => {
    this.settled.push(entry);
    this.notify();
  };

  private readonly onHedgeTimer = (): void => {
    this.hedgeTimer = undefined;
    this.hedgeDue = true;
    this.notify();
  };
}
