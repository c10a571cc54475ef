/**
 * Orders a chain's targets for one request:
 *
 * 1. priority groups in ascending order (equal priority = one balanced group);
 * 2. targets that cannot take traffic now (open breaker, cooling down) are left out;
 * 3. a target in its slow-start ramp keeps its place with probability `share`, otherwise it moves
 *    to the very end (still a last resort, never lost);
 * 4. within a group, power of two choices: two targets drawn by weight, the one with the better
 *    score goes first, unless their scores are within `tolerance` of each other, in which case
 *    the weighted draw stands (so weights are honoured between similar targets). Repeated on what
 *    is left of the group.
 */
import type { RelayTarget } from '../contract.js';

/** What selection needs to know about a target, from the breaker, cooldowns and the tracker. */
export interface CandidateView {
  available(target: RelayTarget, now: number): boolean;
  /** Slow-start share in (0, 1]. */
  share(target: RelayTarget, now: number): number;
  /** Lower is better. */
  score(target: RelayTarget, now: number): number;
}

export interface SelectOptions {
  /** Scores within this relative margin count as equal: 0.2 = 20%. */
  readonly tolerance: number;
}

export const selectDefaults: SelectOptions = Object.freeze({ tolerance: 0.2 });

/**
 * The order to try `targets` in (a new array). `targets` must be sorted by priority, as
 * `prepareTargets` returns them.
 */
export function orderCandidates(
  targets: readonly RelayTarget[],
  view: CandidateView,
  random: () => number,
  now: number,
  options: SelectOptions = selectDefaults,
): RelayTarget[] {
  const order: RelayTarget[] = [];
  let deferred: RelayTarget[] | undefined;
  // One scratch array per request, reused by every group.
  const pool: RelayTarget[] = [];
  for (let start = 0; start < targets.length;) {
    const priority = targets[start]!.priority;
    let end = start;
    for (; end < targets.length && targets[end]!.priority === priority; end++) {
      const target = targets[end]!;
      if (!view.available(target, now)) continue;
      const share = view.share(target, now);
      if (share < 1 && random() >= share) (deferred ??= []).push(target);
      else pool.push(target);
    }
    while (pool.length > 1) {
      const a = weightedIndex(pool, random, -1);
      const b = weightedIndex(pool, random, a);
      const chosen = better(view.score(pool[a]!, now), view.score(pool[b]!, now), options.tolerance) ? a : b;
      order.push(pool[chosen]!);
      pool.splice(chosen, 1);
    }
    if (pool.length === 1) order.push(pool.pop()!);
    start = end;
  }
  if (deferred !== undefined) order.push(...deferred);
  return order;
}

/** True when `a` should go first: not clearly worse than `b`. */
function better(a: number, b: number, tolerance: number): boolean {
  return a <= b * (1 + tolerance);
}

/** An index drawn with probability proportional to weight, skipping `excluded`. */
function weightedIndex(pool: readonly RelayTarget[], random: () => number, excluded: number): number {
  let total = 0;
  for (let i = 0; i < pool.length; i++) if (i !== excluded) total += pool[i]!.weight;
  let point = random() * total;
  let last = -1;
  for (let i = 0; i < pool.length; i++) {
    if (i === excluded) continue;
    last = i;
    point -= pool[i]!.weight;
    if (point < 0) return i;
  }
  return last; // rounding: the last eligible index
}
