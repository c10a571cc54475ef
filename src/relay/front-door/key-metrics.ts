/**
 * Key pool metrics, by provider and key index (never the key, nor its variable name, so a label
 * cannot leak anything): 429s per key, keys taken out of their pool, and each key's state now.
 * Label values are bounded by the config (at most 31 keys per provider).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { KeyPool } from '../policies/key-pool.js';

/** A key's state as a gauge value. */
const STATE_VALUE = Object.freeze({ active: 0, cooling: 1, revoked: 2 });

export interface KeyPoolMetrics {
  rateLimited(provider: string, key: number): void;
  revoked(provider: string, key: number): void;
  /** The pools the state gauge reads at scrape time. */
  watch(pools: Iterable<KeyPool>): void;
}

export function createKeyPoolMetrics(registry: Registry, now: () => number = () => performance.now()): KeyPoolMetrics {
  const registers = [registry];
  const labelNames = ['provider', 'key'] as const;
  const rateLimits = new Counter({
    name: 'relay_provider_key_rate_limited_total',
    help: 'HTTP 429s that cooled one key of a key pool down, by provider and key index.',
    labelNames,
    registers,
  });
  const revocations = new Counter({
    name: 'relay_provider_key_revoked_total',
    help: 'Keys taken out of their pool after a 401/402/403 or out-of-credit answer, by provider and key index.',
    labelNames,
    registers,
  });
  let watched: readonly KeyPool[] = [];
  new Gauge({
    name: 'relay_provider_key_state',
    help: 'State of each key of a key pool: 0 active, 1 cooling down after a 429, 2 out of the pool.',
    labelNames,
    registers,
    collect() {
      const at = now();
      for (const pool of watched)
        for (const { key, state } of pool.status(at))
          this.set({ provider: pool.provider, key: String(key) }, STATE_VALUE[state]);
    },
  });
  return {
    rateLimited: (provider, key) => rateLimits.inc({ provider, key: String(key) }),
    revoked: (provider, key) => revocations.inc({ provider, key: String(key) }),
    watch: (pools) => void (watched = [...pools]),
  };
}
