/** Maps the config's chain entries (+ their providers) onto the `TargetSpec`s `prepareTargets` takes. */
import type { ChainEntryConfig, ProviderConfig, RelayConfig } from '../config.js';
import type { TargetSpec } from '../target.js';

/** Target specs of one chain, in the chain's order. Providers were checked to exist at load time. */
export function targetSpecs(config: RelayConfig, chain: readonly ChainEntryConfig[]): TargetSpec[] {
  const providers = new Map<string, ProviderConfig>(config.providers.map((provider) => [provider.name, provider]));
  return chain.map((entry) => {
    const provider = providers.get(entry.provider);
    if (provider === undefined) throw new RangeError(`chain entry ${entry.name}: unknown provider '${entry.provider}'`);
    return {
      name: entry.name,
      provider: provider.name,
      dialect: provider.dialect,
      model: entry.model,
      baseUrl: provider.baseUrl,
      apiKeyEnv: provider.apiKeyEnv,
      weight: entry.weight,
      priority: entry.priority,
      price: entry.price,
      contextWindow: entry.contextWindow,
      attemptTimeoutMs: provider.attemptTimeoutMs,
      ttfbTimeoutMs: provider.ttfbTimeoutMs,
      streamIdleTimeoutMs: provider.streamIdleTimeoutMs,
      connectTo: provider.connectTo,
      caFile: provider.caFile,
      prefill: provider.prefill,
    };
  });
}

/** Every chain by alias, plus the catch-all chain under `undefined` (legacy configs). */
export function chainsOf(config: RelayConfig): Map<string | undefined, readonly ChainEntryConfig[]> {
  const chains = new Map<string | undefined, readonly ChainEntryConfig[]>(
    Object.entries(config.models).map(([alias, { chain }]) => [alias, chain]),
  );
  if (config.catchAll !== undefined) chains.set(undefined, config.catchAll);
  return chains;
}
