/**
 * The key pools of a config's providers (`apiKeyEnvs`), one per provider and shared by every
 * target of it (a key's rate limit is the provider's, whatever the model), with a log line the
 * first time a key leaves its pool and a metric on every 429 a key takes. Never a key value.
 */
import type { RelayConfig } from './config.js';
import type { Readiness } from './contract.js';
import type { RelayLogger } from './front-door/logger.js';
import type { KeyPoolMetrics } from './front-door/key-metrics.js';
import { KeyPool } from './policies/key-pool.js';
import type { TargetSpec } from './target.js';

/** Provider name -> its pool; providers with one `apiKeyEnv` have none. */
export type KeyPools = ReadonlyMap<string, KeyPool>;

export function createKeyPools(config: RelayConfig, logger: RelayLogger, metrics: KeyPoolMetrics): KeyPools {
  const pools = new Map<string, KeyPool>();
  for (const provider of config.providers) {
    if (provider.apiKeyEnvs === undefined) continue;
    const pool = new KeyPool(
      provider.name,
      provider.apiKeyEnvs,
      provider.keySelection,
      {
        revoked: (name, key, env, reason) => {
          logger.logger.warn(
            { provider: name, keyIndex: key, keyEnv: env, reason },
            `provider ${name}: key #${key} (${env}) taken out of the pool after ${reason}`,
          );
          metrics.revoked(name, key);
        },
        rateLimited: (name, key) => metrics.rateLimited(name, key),
        readmitted: (name, key, env) =>
          logger.logger.info(
            { provider: name, keyIndex: key, keyEnv: env },
            `provider ${name}: key #${key} (${env}) back in the pool after a successful probe`,
          ),
      },
      provider.keyProbeAfterMs,
    );
    pools.set(provider.name, pool);
  }
  metrics.watch(pools.values());
  return pools;
}

/** The specs with their provider's pool attached. */
export function withKeyPools(specs: TargetSpec[], pools: KeyPools): TargetSpec[] {
  if (pools.size === 0) return specs;
  return specs.map((spec) => {
    const pool = spec.provider === undefined ? undefined : pools.get(spec.provider);
    return pool === undefined ? spec : { ...spec, keyPool: pool };
  });
}

/**
 * `/ready` with each pool's keys (index, variable name, state; never a value): a key out of its
 * pool does not make the relay unready while another key serves, but the operator sees it.
 */
export function withKeyDetail(readiness: Readiness, pools: KeyPools, now = performance.now()): Readiness {
  if (pools.size === 0) return readiness;
  const keys: Record<string, unknown> = {};
  for (const [provider, pool] of pools) keys[provider] = pool.status(now);
  return { ...readiness, detail: { ...readiness.detail, keys } };
}
