/**
 * One attempt on a target with a key pool: the request goes out with one key, and when the
 * answer blames that key (a 429 rate limit; a 401/402/403 or an out-of-credit answer) it moves on
 * to another key of the same target, inside the same attempt (its timeout, the deadline, the
 * breaker's one ticket). Only when no key is left does the last answer reach the engine, which
 * then fails over to the next target; so a key's 429 never counts against the target while
 * another key serves. A failure that is not the key's (5xx, reset, timeout) ends the attempt.
 */
import {
  isServed,
  type Attempt,
  type AttemptOutcome,
  type FailedOutcome,
  type RelayTarget,
  type TargetFailure,
  type TargetKeys,
} from '../contract.js';
import type { CooldownRegistry } from '../policies/cooldown.js';
import { retryAfterMs } from '../policies/retry-after.js';

/** What this needs of the engine's `LaunchDeps` (structurally, so launch.ts and this do not import each other). */
export interface KeyAttemptDeps {
  readonly now: () => number;
  readonly epochNow: () => number;
  readonly cooldowns: CooldownRegistry;
  readonly cooldownMaxMs: number;
  readonly default429Ms: number;
}

/** What this needs of the request's `RequestState`. */
export interface KeyAttemptRequest {
  readonly attempt: Attempt;
  readonly deadline: number;
  readonly timer: { readonly stopped: boolean };
  attempts: number;
  readonly launched: string[];
  readonly failures: TargetFailure[];
}

/** Runs `attempt` with key `first` (already picked, so counted in flight), then others while keys are to blame. */
export async function attemptWithKeys(
  deps: KeyAttemptDeps,
  request: KeyAttemptRequest,
  target: RelayTarget,
  keys: TargetKeys,
  first: number,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const { pool, views } = keys;
  let key = first;
  let tried = 0;
  for (;;) {
    tried |= 1 << key;
    let outcome: AttemptOutcome;
    try {
      outcome = await request.attempt({ target: views[key]!, signal, deadline: request.deadline });
    } finally {
      pool.release(key);
    }
    if (isServed(outcome) || signal.aborted || !blameKey(deps, keys, key, outcome)) {
      pool.probeEnded(key, isServed(outcome));
      return outcome;
    }
    const now = deps.now();
    const next = request.timer.stopped ? -1 : pool.pick(now, tried);
    if (next < 0) {
      // Every key is cooling: the target is skipped like any cooling target until the first is back.
      const wait = pool.waitMs(now);
      if (wait > 0 && wait !== Infinity) deps.cooldowns.coolDown(target.name, wait, outcome.verdict.kind);
      return outcome;
    }
    request.attempts++;
    request.launched.push(target.name);
    request.failures.push({
      target: target.name,
      kind: outcome.verdict.kind,
      detail: `${detailOf(outcome)}, key #${key}`,
    });
    key = next;
  }
}

/** Cools down or revokes the key when the answer is about the key; false when it is about the target. */
function blameKey(deps: KeyAttemptDeps, keys: TargetKeys, key: number, outcome: FailedOutcome): boolean {
  switch (outcome.verdict.kind) {
    case 'status_429': {
      const hinted = retryAfterMs(outcome.headers, deps.epochNow(), deps.cooldownMaxMs);
      keys.pool.coolDown(key, hinted ?? deps.default429Ms, deps.now());
      return true;
    }
    case 'auth':
    case 'quota':
      keys.pool.revoke(key, detailOf(outcome), deps.now());
      return true;
    default:
      return false;
  }
}

function detailOf(outcome: FailedOutcome): string {
  return outcome.status === undefined ? outcome.verdict.kind : `HTTP ${outcome.status}`;
}

/** Why a pooled target takes no attempt now, or undefined when a key is usable. */
export function poolUnavailable(keys: TargetKeys, now: number): { kind: string; detail: string } | undefined {
  const wait = keys.pool.waitMs(now);
  if (wait === 0) return undefined;
  if (wait === Infinity) return { kind: 'auth', detail: `all ${keys.pool.size} keys are out of the pool` };
  return { kind: 'cooldown', detail: `all ${keys.pool.size} keys cooling, ${Math.ceil(wait)} ms left` };
}
