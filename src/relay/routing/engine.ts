/**
 * The chain engine's implementation (the public face is chain-engine.ts): per-target state that
 * outlives requests, and the per-request loop of rounds, backoff and budget.
 */
import type {
  Attempt,
  BreakerStateName,
  ChainEngine,
  ChainResult,
  ChainRunOptions,
  PolicyEvent,
  PolicyEvents,
  RelayTarget,
  TargetFailure,
} from '../contract.js';
import {
  breakerDefaults,
  CircuitBreaker,
  validateBreakerOptions,
  type BreakerOptions,
} from '../policies/circuit-breaker.js';
import { CooldownRegistry } from '../policies/cooldown.js';
import { createPolicyEvents } from '../policies/events.js';
import { hedgeDefaults, hedgeDelayMs, validateHedgeOptions, type HedgeOptions } from '../policies/hedge.js';
import { RetryBudget, retryBudgetDefaults } from '../policies/retry-budget.js';
import { backoffMs, retryDefaults, validateRetryOptions, type RetryOptions } from '../policies/retry.js';
import { RequestTimer } from '../policies/timeouts.js';
import { poolUnavailable } from './key-attempt.js';
import type { LaunchDeps, RequestState } from './launch.js';
import { LatencyTracker, trackerDefaults, validateTrackerOptions } from './latency-tracker.js';
import { ModelAbsence } from './model-absence.js';
import { chainEngineDefaults, type ChainEngineOptions } from './options.js';
import { runRound, type HedgeControl, type SameTargetRetry } from './round.js';
import { orderCandidates, selectDefaults, type CandidateView, type SelectOptions } from './select.js';

/** Failures another round cannot fix: the target will say the same (quota, auth, refusals) or was skipped. */
const FUTILE_AGAIN: ReadonlySet<string> = new Set([
  'quota',
  'auth',
  'cooldown',
  'circuit_open',
  'context_length',
  'model_not_found',
  'context_window',
]);

/** True when this round had at least one failure a later attempt on the same target may not repeat. */
function worthAnotherRound(failures: readonly TargetFailure[], from: number): boolean {
  for (let i = from; i < failures.length; i++) if (!FUTILE_AGAIN.has(failures[i]!.kind)) return true;
  return false;
}

/** The `reason` of a cooldown another replica set (shared state). */
export const SHARED_REASON = 'shared';

/** Cooldowns a request waits out at most (each also takes from the retry budget). */
const MAX_COOLDOWN_WAITS = 2;

export class Engine implements ChainEngine, CandidateView, HedgeControl {
  readonly events: PolicyEvents = createPolicyEvents();
  readonly maxParallel: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly breakerOptions: BreakerOptions;
  private readonly retry: RetryOptions;
  private readonly hedgeOptions: HedgeOptions;
  private readonly select: SelectOptions;
  private readonly exhaustedRetryAfterMs: number;
  private readonly breakers = new Map<string, { readonly breaker: CircuitBreaker; readonly provider: string }>();
  private readonly tracker: LatencyTracker;
  private readonly cooldowns: CooldownRegistry;
  private readonly absence: ModelAbsence;
  private readonly retryBudget: RetryBudget;
  private readonly hedgeBudget: RetryBudget;
  private readonly deps: LaunchDeps;
  private readonly sameTarget: SameTargetRetry;
  /** A ring of recent events: fixed memory however long the relay runs. */
  private readonly history: PolicyEvent[] = [];
  private historyNext = 0;
  private readonly historySize: number;

  constructor(options: Partial<ChainEngineOptions>) {
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.breakerOptions = validateBreakerOptions({ ...breakerDefaults, ...options.breaker });
    this.retry = validateRetryOptions({ ...retryDefaults, ...options.retry });
    this.hedgeOptions = validateHedgeOptions({ ...hedgeDefaults, ...options.hedge });
    this.maxParallel = this.hedgeOptions.maxParallel;
    this.select = { ...selectDefaults, ...options.select };
    if (!(this.select.tolerance >= 0))
      throw new RangeError(`select.tolerance: expected a number >= 0, got ${String(this.select.tolerance)}`);
    const merged = { ...chainEngineDefaults, ...options };
    const numbers = [
      'cooldownMaxMs',
      'default429CooldownMs',
      'exhaustedRetryAfterMs',
      'eventHistory',
      'modelNotFoundCooldownMs',
    ] as const;
    for (const field of numbers) {
      if (!(merged[field] >= 0 && Number.isFinite(merged[field])))
        throw new RangeError(`${field}: expected a number >= 0, got ${String(merged[field])}`);
    }
    this.exhaustedRetryAfterMs = merged.exhaustedRetryAfterMs;
    this.historySize = Math.floor(merged.eventHistory);
    this.tracker = new LatencyTracker(validateTrackerOptions({ ...trackerDefaults, ...options.tracker }), this.now);
    this.cooldowns = new CooldownRegistry({ now: this.now, events: this.events });
    this.absence = new ModelAbsence(merged.modelNotFoundCooldownMs);
    this.retryBudget = new RetryBudget({ ...retryBudgetDefaults, ...options.retryBudget }, this.now);
    const { ratio, minPerSecond, windowMs } = this.hedgeOptions;
    this.hedgeBudget = new RetryBudget({ ratio, minPerSecond, windowMs }, this.now);
    this.deps = {
      now: this.now,
      epochNow: options.epochNow ?? Date.now,
      tracker: this.tracker,
      cooldowns: this.cooldowns,
      breakerOf: (target) => this.breakerOf(target),
      cooldownMaxMs: merged.cooldownMaxMs,
      default429Ms: merged.default429CooldownMs,
      slowLoserFactor: this.hedgeOptions.slowLoserFactor,
      absence: this.absence,
    };
    const { retry, random, retryBudget } = this;
    this.sameTarget = {
      max: retry.sameTarget,
      backoffMs: (n) => backoffMs(n, retry, random),
      tryRetry: () => retryBudget.tryWithdraw(),
    };
    const remember = (event: PolicyEvent): void => this.remember(event);
    this.events.on('breaker', remember);
    this.events.on('cooldown', remember);
  }

  async run(targets: readonly RelayTarget[], attempt: Attempt, options: ChainRunOptions): Promise<ChainResult> {
    this.retryBudget.deposit();
    if (this.hedgeOptions.enabled) this.hedgeBudget.deposit();
    const timer = new RequestTimer(options.signal, options.deadline, this.now);
    const request: RequestState = {
      attempt,
      timer,
      deadline: options.deadline,
      stream: options.stream,
      attempts: 0,
      failovers: 0,
      hedges: 0,
      failures: [],
      minContextWindow: 0,
      launched: [],
      done: false,
    };
    const hedge = this.hedgeOptions.enabled ? this : undefined;
    try {
      for (let round = 1, waits = 0; ;) {
        if (timer.stopped) break;
        const now = this.now();
        const order = this.absence.reorder(orderCandidates(targets, this, this.random, now, this.select), now);
        const failedBefore = request.failures.length;
        const end = await runRound(this.deps, request, order, hedge, this.sameTarget);
        const { attempts, failures, failovers, launched } = request;
        if (end.kind === 'served')
          return {
            kind: 'served',
            target: end.target,
            response: end.outcome.response,
            attempts,
            failures,
            failovers,
            launched,
          };
        if (end.kind === 'rejected') {
          const { status = 400, body, headers } = end.outcome;
          return { kind: 'rejected', target: end.target, status, body, headers, attempts, failures, launched };
        }
        const next = await this.nextPass(targets, request, round, waits, failedBefore);
        if (next === 'stop') break;
        if (next === 'wait') waits++;
        else round++;
      }
      const { attempts, failures, launched } = request;
      if (timer.expired) return { kind: 'deadline', attempts, failures, launched };
      if (options.signal.aborted) return { kind: 'aborted', attempts, failures, launched };
      this.noteUnavailable(targets, failures);
      return { kind: 'exhausted', retryAfterMs: this.retryAfterMs(targets), attempts, failures, launched };
    } finally {
      request.done = true;
      timer.dispose();
    }
  }

  /**
   * After a failed pass: wait out a short cooldown when no target can take the request before it
   * ends (`retry.maxRetryAfterWaitMs`), else another round after a backoff (`retry.maxAttempts`),
   * else stop. Both take from the retry budget and end inside the deadline.
   */
  private async nextPass(
    targets: readonly RelayTarget[],
    request: RequestState,
    round: number,
    waits: number,
    failedBefore: number,
  ): Promise<'wait' | 'round' | 'stop'> {
    const { timer, deadline } = request;
    if (timer.stopped) return 'stop';
    const cooling = waits < MAX_COOLDOWN_WAITS ? this.cooldownWaitMs(targets, deadline) : undefined;
    if (cooling !== undefined && this.retryBudget.tryWithdraw())
      return (await pauseFully(timer, cooling, this.now)) ? 'wait' : 'stop';
    if (round >= this.retry.maxAttempts || !worthAnotherRound(request.failures, failedBefore)) return 'stop';
    const wait = backoffMs(round, this.retry, this.random);
    if (this.now() + wait >= deadline || !this.retryBudget.tryWithdraw()) return 'stop';
    return (await timer.pause(wait)) ? 'round' : 'stop';
  }

  /**
   * How long until a cooling target is back, when every target is cooling down or open and the
   * soonest is back within `retry.maxRetryAfterWaitMs` and before the deadline; else undefined.
   */
  private cooldownWaitMs(targets: readonly RelayTarget[], deadline: number): number | undefined {
    const cap = this.retry.maxRetryAfterWaitMs;
    if (cap <= 0) return undefined;
    const now = this.now();
    let soonest = Infinity;
    for (const target of targets) {
      const cooling = this.cooldowns.remainingMs(target.name, now);
      if (cooling > 0) soonest = Math.min(soonest, cooling);
      else if (this.breakerOf(target).wouldAdmit(now)) return undefined; // somewhere to go now: not a wait
    }
    const wait = Math.ceil(soonest);
    return wait <= cap && now + wait < deadline ? wait : undefined;
  }

  isAvailable(target: RelayTarget): boolean {
    return this.available(target, this.now());
  }

  breakerState(target: RelayTarget): BreakerStateName {
    return this.breakerOf(target).state.kind;
  }

  recordStreamEnd(target: RelayTarget, complete: boolean): void {
    this.breakerOf(target).record(complete ? 'success' : 'failure', this.now());
  }

  openShared(target: RelayTarget, remainingMs: number): void {
    const now = this.now();
    const remaining = Math.min(this.breakerOptions.openMs, Math.max(0, remainingMs));
    this.breakerOf(target).openShared(now - (this.breakerOptions.openMs - remaining), now);
  }

  endOpenShared(target: RelayTarget): void {
    this.breakerOf(target).endOpenShared(this.now());
  }

  coolDownShared(target: RelayTarget, remainingMs: number): void {
    this.cooldowns.coolDown(target.name, remainingMs, SHARED_REASON);
  }

  recordHealth(provider: string, healthy: boolean): void {
    for (const entry of this.breakers.values()) if (entry.provider === provider) entry.breaker.recordHealth(healthy);
  }

  recentEvents(): readonly PolicyEvent[] {
    return this.history.slice(this.historyNext).concat(this.history.slice(0, this.historyNext));
  }

  /** CandidateView: may take traffic now. */
  available(target: RelayTarget, now: number): boolean {
    if (target.keys !== undefined && target.keys.pool.waitMs(now) > 0) return false;
    return !this.cooldowns.isCooling(target.name, now) && this.breakerOf(target).wouldAdmit(now);
  }

  share(target: RelayTarget, now: number): number {
    return this.breakerOf(target).share(now);
  }

  score(target: RelayTarget, now: number): number {
    return this.tracker.score(target.name, now);
  }

  /** HedgeControl. */
  delayMs(target: RelayTarget): number {
    return hedgeDelayMs(this.hedgeOptions, this.tracker.p95(target.name));
  }

  tryHedge(): boolean {
    return this.hedgeBudget.tryWithdraw();
  }

  private breakerOf(target: RelayTarget): CircuitBreaker {
    let entry = this.breakers.get(target.name);
    if (entry === undefined) {
      entry = {
        breaker: new CircuitBreaker(target.name, this.breakerOptions, this.now, this.events),
        provider: target.provider,
      };
      this.breakers.set(target.name, entry);
    }
    return entry.breaker;
  }

  /** The soonest any target is back; `exhaustedRetryAfterMs` if one is available right away. */
  private retryAfterMs(targets: readonly RelayTarget[]): number {
    const now = this.now();
    let soonest = Infinity;
    for (const target of targets) {
      const wait = Math.max(this.cooldowns.remainingMs(target.name, now), this.breakerOf(target).openRemainingMs(now));
      soonest = Math.min(soonest, wait);
    }
    return soonest === 0 || soonest === Infinity ? this.exhaustedRetryAfterMs : Math.ceil(soonest);
  }

  /** Says why targets left out of the order were left out, for the 503's message. */
  private noteUnavailable(targets: readonly RelayTarget[], failures: TargetFailure[]): void {
    const now = this.now();
    for (const target of targets) {
      if (failures.some((f) => f.target === target.name && (f.kind === 'cooldown' || f.kind === 'circuit_open')))
        continue;
      const keysOut = target.keys === undefined ? undefined : poolUnavailable(target.keys, now);
      const cooling = this.cooldowns.remainingMs(target.name, now);
      if (keysOut !== undefined) failures.push({ target: target.name, ...keysOut });
      else if (cooling > 0)
        failures.push({ target: target.name, kind: 'cooldown', detail: `${Math.ceil(cooling)} ms left` });
      else if (!this.breakerOf(target).wouldAdmit(now)) {
        failures.push({
          target: target.name,
          kind: 'circuit_open',
          detail: `breaker ${this.breakerOf(target).state.kind}`,
        });
      }
    }
  }

  private remember(event: PolicyEvent): void {
    if (this.historySize === 0) return;
    if (this.history.length < this.historySize) this.history.push(event);
    else this.history[this.historyNext] = event;
    this.historyNext = (this.historyNext + 1) % this.historySize;
  }
}

/**
 * Pauses until `ms` have passed by the engine's clock. A timer can fire early by as much as the
 * event loop's cached time is stale (tens of ms on a busy machine), and a cooldown wait that ends
 * before the cooldown does finds the target still cooling and spends the request's last chance.
 */
async function pauseFully(timer: RequestTimer, ms: number, now: () => number): Promise<boolean> {
  const until = now() + ms;
  let running = await timer.pause(ms);
  for (let tries = 0; running && now() < until && tries < 3; tries++) running = await timer.pause(until - now());
  return running;
}
