/**
 * Metrics of the shared-state layer (only registered when `state.redis` is configured): whether
 * Redis is in use, how often a replica fell back to local state, and what it learned from others.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface StateMetrics {
  /** 1 while Redis answers within `commandTimeoutMs`, 0 while this replica runs on local state. */
  readonly redisUp: Gauge;
  /** Operations answered from local state because Redis was down or slow, by operation. */
  readonly fallbacks: Counter<'op'>;
  /** Resynchronisations with Redis (at start and each time it comes back). */
  readonly resyncs: Counter;
  /** Updates received from other replicas and applied here, by kind (breaker, cooldown, budget, key). */
  readonly sharedUpdates: Counter<'kind'>;
}

export function createStateMetrics(registry: Registry): StateMetrics {
  const registers = [registry];
  return {
    redisUp: new Gauge({
      name: 'relay_state_redis_up',
      help: 'Shared state: 1 while Redis answers in time, 0 while this replica falls back to local state.',
      registers,
    }),
    fallbacks: new Counter({
      name: 'relay_state_fallbacks_total',
      help: 'Shared-state operations answered from local state because Redis was down or slow, by operation.',
      labelNames: ['op'],
      registers,
    }),
    resyncs: new Counter({
      name: 'relay_state_resyncs_total',
      help: 'Resynchronisations of local state with Redis (at start and whenever Redis comes back).',
      registers,
    }),
    sharedUpdates: new Counter({
      name: 'relay_state_shared_updates_total',
      help: 'State updates received from other replicas and applied here, by kind.',
      labelNames: ['kind'],
      registers,
    }),
  };
}
