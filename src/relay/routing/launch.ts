/**
 * Starting and settling one attempt on one target, with all the bookkeeping every policy needs:
 * cooldown and breaker admission before, and after: latency/error stats, the breaker's verdict,
 * a cooldown from Retry-After, the failure list, and cancelling a stream nobody wants any more.
 */
import { VERDICTS } from '../classify.js';
import {
  isServed,
  type Attempt,
  type AttemptContext,
  type AttemptOutcome,
  type RelayTarget,
  type TargetFailure,
} from '../contract.js';
import type { BreakerResult, BreakerState, CircuitBreaker } from '../policies/circuit-breaker.js';
import type { CooldownRegistry } from '../policies/cooldown.js';
import { retryAfterMs } from '../policies/retry-after.js';
import { AttemptTimeoutError, type RequestTimer, type TimedAttempt } from '../policies/timeouts.js';
import { attemptWithKeys, poolUnavailable } from './key-attempt.js';
import type { ModelAbsence } from './model-absence.js';
import type { LatencyTracker } from './latency-tracker.js';

/** One request's progress through the engine. */
export interface RequestState {
  readonly attempt: Attempt;
  /** The deadline and the attempts' timeouts; `stopped` once the deadline passed or the caller left. */
  readonly timer: RequestTimer;
  readonly deadline: number;
  readonly stream: boolean;
  attempts: number;
  failovers: number;
  hedges: number;
  readonly failures: TargetFailure[];
  /**
   * The largest context window (tokens) of a target that refused this prompt as too long: targets
   * declaring a window no larger are skipped. 0 until such a refusal.
   */
  minContextWindow: number;
  /** Target name of every attempt sent, in order (hedge losers and deadline cuts included). */
  readonly launched: string[];
  /** Set when the engine has answered: late results still feed stats but no longer the answer. */
  done: boolean;
}

export interface Launch extends TimedAttempt {
  readonly target: RelayTarget;
  /** Resolves (never rejects) once the outcome is settled into the books. */
  readonly settled: Promise<Launch>;
  outcome: AttemptOutcome | undefined;
  /** Aborted by us because another attempt won (or the request ended). */
  lost: boolean;
}

export interface LaunchDeps {
  readonly now: () => number;
  readonly epochNow: () => number;
  readonly tracker: LatencyTracker;
  readonly cooldowns: CooldownRegistry;
  readonly breakerOf: (target: RelayTarget) => CircuitBreaker;
  readonly cooldownMaxMs: number;
  /** Cooldown after a 429 without any Retry-After hint (0: none). */
  readonly default429Ms: number;
  /** A hedge loser that ran this many times its usual latency counts as a failure (hedge.slowLoserFactor). */
  readonly slowLoserFactor: number;
  /** Where "no such model" answers demote their target (its breaker untouched). */
  readonly absence?: ModelAbsence | undefined;
}

/** The abort reason of an attempt that lost the race to another attempt of its request. */
export class LostRaceError extends DOMException {
  constructor() {
    super('another attempt answered first', 'AbortError');
  }
}

/** Statuses whose Retry-After means "this target, not the request": cool the target down. */
const COOLDOWN_STATUSES: ReadonlySet<number> = new Set([429, 503, 529]);

/** Starts an attempt on `target`, or records why it was skipped and returns undefined. */
export function launch(deps: LaunchDeps, request: RequestState, target: RelayTarget): Launch | undefined {
  const now = deps.now();
  const window = target.contextWindow;
  if (window !== undefined && window <= request.minContextWindow) {
    const detail = `context window ${window} <= ${request.minContextWindow} tokens`;
    request.failures.push({ target: target.name, kind: 'context_window', detail });
    return undefined;
  }
  const cooling = deps.cooldowns.remainingMs(target.name, now);
  if (cooling > 0) {
    request.failures.push({ target: target.name, kind: 'cooldown', detail: `${Math.ceil(cooling)} ms left` });
    return undefined;
  }
  const keys = target.keys;
  const keysOut = keys === undefined ? undefined : poolUnavailable(keys, now);
  if (keysOut !== undefined) {
    request.failures.push({ target: target.name, ...keysOut });
    return undefined;
  }
  const breaker = deps.breakerOf(target);
  const ticket = breaker.acquire(now);
  if (ticket === undefined) {
    request.failures.push({ target: target.name, kind: 'circuit_open', detail: `breaker ${breaker.state.kind}` });
    return undefined;
  }
  request.attempts++;
  request.launched.push(target.name);
  deps.tracker.begin(target.name);
  const controller = new AbortController();
  const entry: { -readonly [K in keyof Launch]: Launch[K] } = {
    target,
    controller,
    // A stream's attempt resolves at its first content chunk: this bounds the time to it.
    timeoutMs: request.stream ? target.ttfbTimeoutMs : target.attemptTimeoutMs,
    dueAt: Infinity,
    settled: undefined!,
    outcome: undefined,
    lost: false,
  };
  // One timer per request covers the deadline and every attempt's timeout; the deadline wins a
  // tie, so a deadline cutting the last attempt short is a 504, never a 503 "all targets failed".
  request.timer.start(entry);
  // A key pool tries its keys inside this one attempt; a single key (the usual case) costs nothing extra.
  const key = keys === undefined ? -1 : keys.pool.pick(now);
  const started =
    key < 0
      ? call(request.attempt, { target, signal: controller.signal, deadline: request.deadline })
      : attemptWithKeys(deps, request, target, keys!, key, controller.signal);
  entry.settled = started
    .catch((error: unknown): AttemptOutcome => ({ verdict: VERDICTS.unknown, error })) // an attempt rejecting is a bug
    .then((outcome) => {
      request.timer.finish(entry);
      entry.outcome = outcome;
      settle(deps, request, entry, breaker, ticket, now, outcome);
      return entry;
    });
  return entry;
}

/** Calls the attempt; a synchronous throw (a bug) becomes a rejection like any other. */
function call(attempt: Attempt, context: AttemptContext): Promise<AttemptOutcome> {
  try {
    return attempt(context);
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

function settle(
  deps: LaunchDeps,
  request: RequestState,
  entry: Launch,
  breaker: CircuitBreaker,
  ticket: BreakerState,
  startedAt: number,
  outcome: AttemptOutcome,
): void {
  const now = deps.now();
  const name = entry.target.name;
  if (isServed(outcome)) {
    deps.tracker.end(name, now - startedAt, false, now);
    // A stream has only started: its verdict comes when it ends (ChainEngine.recordStreamEnd).
    breaker.release(ticket, outcome.response.kind === 'stream' ? 'ignore' : 'success', now);
    // Nobody will read a stream that lost the race (or outlived its request): release it.
    if ((entry.lost || request.done) && outcome.response.kind === 'stream') outcome.response.cancel();
    return;
  }
  const { signal } = entry.controller;
  if (signal.reason instanceof LostRaceError && slowLoser(deps, entry, now - startedAt)) {
    // Lost a hedge race long after it should have answered: evidence, or a black-holed target
    // would never trip its breaker while hedges keep saving its requests.
    deps.tracker.end(name, undefined, true, now);
    breaker.release(ticket, 'failure', now);
    return;
  }
  // Aborted by us (hedge lost, deadline, client gone): no evidence about the target either way.
  if (signal.aborted && !(signal.reason instanceof AttemptTimeoutError)) {
    deps.tracker.end(name, undefined, undefined, now);
    breaker.release(ticket, 'ignore', now);
    return;
  }
  const result = breakerResult(outcome.verdict.kind);
  const timedOut = outcome.verdict.kind === 'timeout';
  deps.tracker.end(
    name,
    timedOut ? now - startedAt : undefined,
    result === 'ignore' ? undefined : result === 'failure',
    now,
  );
  breaker.release(ticket, result, now);
  if (outcome.verdict.kind === 'model_not_found') deps.absence?.note(entry.target, now);
  if (outcome.verdict.kind === 'context_length')
    request.minContextWindow = Math.max(request.minContextWindow, entry.target.contextWindow ?? 0);
  // A pool's 429 cooled that key down (and the target only once every key was cooling).
  const keyed429 = outcome.status === 429 && entry.target.keys !== undefined;
  if (outcome.status !== undefined && COOLDOWN_STATUSES.has(outcome.status) && !keyed429) {
    const hinted = retryAfterMs(outcome.headers, deps.epochNow(), deps.cooldownMaxMs);
    const ms = hinted ?? (outcome.status === 429 ? deps.default429Ms : 0);
    if (ms > 0) deps.cooldowns.coolDown(name, ms, outcome.verdict.kind);
  }
  if (!request.done && !entry.lost)
    request.failures.push({ target: name, kind: outcome.verdict.kind, detail: detailOf(outcome) });
}

/**
 * A loser is slow when it ran past its attempt timeout, or past `slowLoserFactor` times its usual
 * latency (a target never seen answering is given the benefit of the doubt).
 */
function slowLoser(deps: LaunchDeps, entry: Launch, elapsedMs: number): boolean {
  if (elapsedMs >= entry.timeoutMs) return true;
  const typical = deps.tracker.typicalMs(entry.target.name);
  return typical !== undefined && elapsedMs >= deps.slowLoserFactor * typical;
}

/**
 * A 4xx means the target works (the request is at fault), and so does a prompt too long for it or
 * a content-policy refusal; a 429 is a rate limit, handled by the cooldown, not a sign of ill
 * health; a model this target does not have says nothing of its health; an unknown error is more
 * likely our bug than theirs.
 */
export function breakerResult(kind: AttemptOutcome['verdict']['kind']): BreakerResult {
  switch (kind) {
    case 'ok':
    case 'status_4xx':
    case 'context_length':
    case 'content_filter':
      return 'success';
    case 'model_not_found':
    case 'status_429':
    case 'aborted':
    case 'unknown':
      return 'ignore';
    default:
      return 'failure';
  }
}

function detailOf(outcome: AttemptOutcome): string {
  if (outcome.status !== undefined) return `HTTP ${outcome.status}`;
  const { code, name } = (outcome.error ?? {}) as { code?: unknown; name?: unknown };
  return typeof code === 'string' ? code : typeof name === 'string' ? name : 'error';
}
