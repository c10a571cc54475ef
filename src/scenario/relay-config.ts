/**
 * The relay config the runner gives our relay (target kind `builtin`): one provider per chain
 * member in that provider's dialect, pointing at its fault-plane proxy, one alias (the load's
 * model) over the chain, and the scenario's `target.policies` as the relay's policy settings.
 */
import type { Scenario } from './schema.js';

const VERSION_PREFIX = Object.freeze({ openai: '/v1', anthropic: '/v1', gemini: '/v1beta' });

/** @param addressOf host:port the provider is reachable at (its fault-plane proxy). */
export function relayConfigFor(
  scenario: Pick<Scenario, 'providers' | 'target' | 'load'>,
  addressOf: (provider: string) => string,
): Record<string, unknown> {
  const { chain, members, attempt_timeout: attemptTimeoutMs, policies } = scenario.target;
  const byName = new Map(scenario.providers.map((p) => [p.name, p]));
  const models = new Set<string>([scenario.load.model, ...mixModels(scenario.load.mix.models)]);
  const aliasChain = chain.map((name, index) => {
    const { priority, weight } = members?.[name] ?? {};
    return {
      provider: name,
      model: byName.get(name)?.model ?? scenario.load.model,
      priority: priority ?? index,
      ...(weight === undefined ? {} : { weight }),
    };
  });
  return {
    server: { host: '127.0.0.1', port: 0 },
    providers: chain.map((name) => {
      const dialect = byName.get(name)?.dialect ?? 'openai';
      return {
        name,
        dialect,
        baseUrl: `http://${addressOf(name)}${VERSION_PREFIX[dialect]}`,
        attemptTimeoutMs,
        ttfbTimeoutMs: attemptTimeoutMs,
      };
    }),
    // Every model the mix asks for is an alias over the same chain.
    models: Object.fromEntries([...models].map((model) => [model, { chain: aliasChain }])),
    policies: policies ?? {},
    // Request logs would only cost CPU here: the harness records every request itself.
    logging: { level: 'warn' },
  };
}

function mixModels(models: Scenario['load']['mix']['models']): string[] {
  return typeof models === 'string' ? [models] : models.map((m) => m.value);
}
