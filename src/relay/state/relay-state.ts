/**
 * Where the relay keeps the state that outlives requests: in memory (the default, exactly as a
 * single process always did) or, with `state.redis`, shared by a fleet of replicas through Redis
 * (breakers and cooldowns per target, key rates, budgets, key-pool cooldowns, optionally the cache). The relay app asks this module for its
 * rate limiter and budget ledger and attaches its engine; nothing else knows which store is used.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { RelayConfig } from '../config.js';
import type { ChainEngine, Readiness, RelayTarget } from '../contract.js';
import { BudgetLedger } from '../front-door/budget.js';
import { ResponseCache } from '../front-door/cache.js';
import { KeyRateLimiter, type KeyRateCheck } from '../front-door/key-rate-limit.js';
import type { KeyPools } from '../key-pools.js';
import { RedisLink } from './redis-link.js';
import { SharedKeyPools } from './shared-key-pools.js';
import { SharedBudgetLedger } from './shared-budget.js';
import { SharedResponseCache } from './shared-cache.js';
import { SharedKeyRateLimiter } from './shared-key-rate.js';
import { SharedTargets } from './shared-targets.js';
import { createStateMetrics } from './state-metrics.js';

export interface RelayState {
  readonly rateLimiter: KeyRateCheck;
  readonly budgets: BudgetLedger;
  readonly cache: ResponseCache;
  /** Shares the engine's breaker and cooldown transitions for these targets (no-op in memory). */
  attach(engine: ChainEngine, targets: readonly RelayTarget[]): void;
  /** Shares the pools' key cooldowns and revocations (no-op in memory). */
  attachPools(pools: KeyPools): void;
  /** `/ready` with the store's detail (`state`); Redis trouble never makes the relay unready. */
  readiness(readiness: Readiness): Readiness;
  /** Connects and reads the shared state before the relay listens (at most ~2 s without Redis). */
  start(): Promise<void>;
  /** Sends spend not yet in Redis (bounded by the command timeout), then disconnects. */
  close(): Promise<void>;
}

/** The store `config.state` names. */
export function createRelayState(config: RelayConfig, logger: Logger, registry: Registry): RelayState {
  const redis = config.state.redis;
  if (redis === undefined) return memoryState(config);
  const metrics = createStateMetrics(registry);
  const link = new RedisLink(redis, logger, metrics);
  const openMs = config.policies.breaker.openMs;
  const budgets = new SharedBudgetLedger(link, config.auth.keys, metrics);
  return {
    rateLimiter: new SharedKeyRateLimiter(link),
    budgets,
    cache: redis.cache
      ? new SharedResponseCache(config.policies.cache, link)
      : new ResponseCache(config.policies.cache),
    attach: (engine, targets) => void new SharedTargets(link, engine, targets, openMs, metrics),
    attachPools: (pools) => void new SharedKeyPools(link, pools, metrics),
    readiness: (readiness) => ({ ...readiness, detail: { ...readiness.detail, state: link.status() } }),
    start: () => link.start(),
    close: async () => {
      await budgets.close();
      link.close();
    },
  };
}

function memoryState(config: RelayConfig): RelayState {
  return {
    rateLimiter: new KeyRateLimiter(),
    budgets: new BudgetLedger(),
    cache: new ResponseCache(config.policies.cache),
    attach: () => undefined,
    attachPools: () => undefined,
    readiness: (readiness) => readiness,
    start: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
