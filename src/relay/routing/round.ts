/**
 * One pass over a request's ordered candidates: failover to the next candidate as soon as an
 * attempt fails (never sleeping), and, with hedging on, a parallel attempt on the next candidate
 * when the one in flight is slow. The first served answer wins and the others are aborted; a
 * non-retryable answer (a 4xx) ends the pass for the client.
 */
import { isServed, type FailedOutcome, type RelayTarget, type ServedOutcome } from '../contract.js';
import { launch, type Launch, type LaunchDeps, type RequestState } from './launch.js';

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

const FAILED: RoundEnd = Object.freeze({ kind: 'failed' });

/** Runs one pass; resolves when an answer is decided or every candidate is spent. */
export async function runRound(
  deps: LaunchDeps,
  request: RequestState,
  order: readonly RelayTarget[],
  hedge: HedgeControl | undefined,
): Promise<RoundEnd> {
  const active: Launch[] = [];
  const settled: Launch[] = [];
  let next = 0;
  let hedgeDue = false;
  let hedgeTimer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const onSettled = (entry: Launch): void => {
    settled.push(entry);
    notify();
  };
  const onHedgeTimer = (): void => {
    hedgeTimer = undefined;
    hedgeDue = true;
    notify();
  };
  const start = (): boolean => {
    while (next < order.length) {
      const entry = launch(deps, request, order[next++]!);
      if (entry === undefined) continue;
      active.push(entry);
      void entry.settled.then(onSettled);
      if (hedgeTimer !== undefined) clearTimeout(hedgeTimer);
      hedgeDue = false;
      const delay =
        hedge !== undefined && next < order.length && active.length < hedge.maxParallel
          ? hedge.delayMs(entry.target)
          : undefined;
      hedgeTimer = delay === undefined ? undefined : setTimeout(onHedgeTimer, delay);
      return true;
    }
    return false;
  };
  const finish = (end: RoundEnd, winner?: Launch): RoundEnd => {
    for (const entry of active) {
      if (entry === winner) continue;
      entry.lost = true;
      const { outcome } = entry;
      if (outcome === undefined)
        entry.controller.abort(new DOMException('another attempt answered first', 'AbortError'));
      // Settled in the same tick as the winner: its stream is settled too, and unwanted.
      else if (outcome.response?.kind === 'stream') outcome.response.cancel();
    }
    return end;
  };

  if (!start()) return FAILED;
  try {
    for (;;) {
      if (settled.length === 0 && !hedgeDue) await new Promise<void>((resolve) => (wake = resolve));
      const entry = settled.shift();
      if (entry === undefined) {
        hedgeDue = false;
        const room = active.length < hedge!.maxParallel && next < order.length;
        if (room && !request.timer.stopped && hedge!.tryHedge()) {
          request.hedges++;
          start();
        }
        continue;
      }
      active.splice(active.indexOf(entry), 1);
      const outcome = entry.outcome!;
      if (isServed(outcome)) return finish({ kind: 'served', target: entry.target, outcome }, entry);
      if (!outcome.verdict.retryable && outcome.status !== undefined && !entry.lost) {
        return finish({ kind: 'rejected', target: entry.target, outcome }, entry);
      }
      if (request.timer.stopped) return finish(FAILED);
      if (active.length > 0) continue; // a hedge is still running: let it answer
      if (!start()) return FAILED;
      request.failovers++;
    }
  } finally {
    if (hedgeTimer !== undefined) clearTimeout(hedgeTimer);
  }
}
