/**
 * The pipeline's bookkeeping after the chain answered: attempts counted by outcome, the cost
 * charged to the key's budget, and the request's log line.
 */
import type { ChainResult, NormalizedUsage, RelayResponse, RelayTarget, TargetFailure } from '../contract.js';
import { costUsd } from '../front-door/cost.js';
import type { CompletionDeps, Exchange } from './exchange.js';

/** One count per attempt sent: its failure kind, `ok` for the winner, `cancelled` for the rest (hedge losers, deadline cuts). */
export function countAttempts(deps: CompletionDeps, result: ChainResult): void {
  const { metrics } = deps;
  // The common case, one attempt that served, without the bookkeeping below.
  if (result.kind === 'served' && result.launched.length === 1 && result.failures.length === 0) {
    metrics.attemptsBy(result.target.name, 'ok').inc();
    return;
  }
  const unsettled = new Map<string, number>();
  for (const target of result.launched) unsettled.set(target, (unsettled.get(target) ?? 0) + 1);
  const count = (target: string, outcome: string): void => {
    const left = unsettled.get(target) ?? 0;
    if (left === 0) return; // skipped targets (cooling, breaker open) were never called
    unsettled.set(target, left - 1);
    metrics.attemptsBy(target, outcome).inc();
  };
  for (const failure of result.failures) count(failure.target, failure.kind);
  if (result.kind === 'served') count(result.target.name, 'ok');
  for (const [target, left] of unsettled) if (left > 0) metrics.attemptsBy(target, 'cancelled').inc(left);
}

/**
 * The failures of a request cut by its deadline, plus one `deadline` entry per attempt that was
 * still running then (launched, neither failed nor served), so the 504 names every attempt that ran.
 */
export function failuresAtDeadline(result: ChainResult): TargetFailure[] {
  const failed = new Map<string, number>();
  for (const failure of result.failures) failed.set(failure.target, (failed.get(failure.target) ?? 0) + 1);
  const cut: TargetFailure[] = [];
  for (const target of result.launched) {
    const left = failed.get(target) ?? 0;
    if (left > 0) failed.set(target, left - 1);
    else cut.push({ target, kind: 'deadline', detail: 'still running at the deadline' });
  }
  return [...result.failures, ...cut];
}

/** Charges what `response` cost to the client's budget and the cost metric; returns the cost. */
export function charge(deps: CompletionDeps, exchange: Exchange, target: RelayTarget, response: RelayResponse): number {
  return chargeUsage(deps, exchange, target, response.kind === 'json' ? response.usage : response.usage());
}

/** Charges `usage` at `target`'s price (one attempt of a continued stream); returns the cost. */
export function chargeUsage(
  deps: CompletionDeps,
  exchange: Exchange,
  target: RelayTarget,
  usage: NormalizedUsage | undefined,
): number {
  const cost = costUsd(usage, target.price);
  if (cost > 0) {
    deps.budgets.charge(exchange.client, cost);
    deps.metrics.costBy(exchange.modelLabel).inc(cost);
  }
  return cost;
}

/**
 * Writes the request's log line. The record is built only when the logger's level keeps it: at
 * `warn` and above the 2xx lines are dropped, and building them was a visible share of the CPU.
 */
export function logOutcome(
  deps: CompletionDeps,
  exchange: Exchange,
  status: number,
  attempts: number,
  target: string | undefined,
  response: RelayResponse | undefined,
  cost: number | undefined,
  failures: readonly TargetFailure[],
  streamEnd?: string,
): void {
  const logged = streamEnd === 'cut' ? 502 : status;
  if (!deps.logger.logsStatus(logged)) return;
  const usage = response === undefined ? undefined : response.kind === 'json' ? response.usage : response.usage();
  deps.logger.logRequest({
    requestId: exchange.requestId,
    client: exchange.client.id,
    model: exchange.model,
    stream: exchange.stream,
    status: logged,
    target,
    attempts,
    latencyMs: performance.now() - exchange.startedAt,
    usage,
    costUsd: cost,
    failures: failures.length > 0 ? failures : undefined,
  });
}
