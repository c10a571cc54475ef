/**
 * Where the relay keeps the state that outlives requests: in memory (the default, exactly as a
 * single process always did) or, with `state.redis`, shared by a fleet of replicas through Redis
 * (breakers and cooldowns per target, key rates, budgets). The relay app asks this module for its
 * rate limiter and budget ledger and attaches its engine; nothing else knows which store is used.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { RelayConfig } from '../config.js';
import type { ChainEngine, Readiness, RelayTarget } from '../contract.js';
import { BudgetLedger } from '../front-door/budget.js';
import { KeyRateLimiter, type KeyRateCheck } from '../front-door/key-rate-limit.js';
import { RedisLink } from './redis-link.js';
import { SharedBudgetLedger } from './shared-budget.js';
import { SharedKeyRateLimiter } from './shared-key-rate.js';
import { SharedTargets } from './shared-targets.js';
import { createStateMetrics } from './state-metrics.js';

export interface RelayState {
  readonly rateLimiter: KeyRateCheck;
  readonly budgets: BudgetLedger;
  /** Shares the engine's breaker and cooldown transitions for these targets (no-op in memory). */
  attach(engine: ChainEngine, targets: readonly RelayTarget[]): void;
  /** `/ready` with the store's detail (`state`); Redis trouble never makes the relay unready. */
  readiness(readiness: Readiness): Readiness;
  /** Connects and reads the shared state before the relay listens (at most ~2 s without Redis). */
  start(): Promise<void>;
  close(): void;
}

/** The store `config.state` names. */
export function createRelayState(config: RelayConfig, logger: Logger, registry: Registry): RelayState {
  const redis = config.state.redis;
  if (redis === undefined) return memoryState();
  const metrics = createStateMetrics(registry);
  const link = new RedisLink(redis, logger, metrics);
  const openMs = config.policies.breaker.openMs;
  return {
    rateLimiter: new SharedKeyRateLimiter(link),
    budgets: new SharedBudgetLedger(link, config.auth.keys, metrics),
    attach: (engine, targets) => void new SharedTargets(link, engine, targets, openMs, metrics),
    readiness: (readiness) => ({ ...readiness, detail: { ...readiness.detail, state: link.status() } }),
    start: () => link.start(),
    close: () => link.close(),
  };
}

function memoryState(): RelayState {
  return {
    rateLimiter: new KeyRateLimiter(),
    budgets: new BudgetLedger(),
    attach: () => undefined,
    readiness: (readiness) => readiness,
    start: () => Promise.resolve(),
    close: () => undefined,
  };
}
