/**
 * The relay config the runner gives our relay (target kind `builtin`): one OpenAI-dialect
 * provider per chain member, pointing at that provider's fault-plane proxy, one alias (the load's
 * model) over the chain, and the scenario's `target.policies` as the relay's policy settings.
 */
import type { Scenario } from './schema.js';

/** @param addressOf host:port the provider is reachable at (its fault-plane proxy). */
export function relayConfigFor(scenario: Pick<Scenario, 'providers' | 'target' | 'load'>, addressOf: (provider: string) => string): Record<string, unknown> {
  const { chain, attempt_timeout: attemptTimeoutMs, policies } = scenario.target;
  const byName = new Map(scenario.providers.map((p) => [p.name, p]));
  return {
    server: { host: '127.0.0.1', port: 0 },
    providers: chain.map((name) => ({
      name,
      dialect: 'openai',
      baseUrl: `http://${addressOf(name)}/v1`,
      attemptTimeoutMs,
      ttfbTimeoutMs: attemptTimeoutMs,
    })),
    models: { [scenario.load.model]: { chain: chain.map((name) => ({ provider: name, model: byName.get(name)?.model ?? scenario.load.model })) } },
    policies: policies ?? {},
    // Request logs would only cost CPU here: the harness records every request itself.
    logging: { level: 'warn' },
  };
}
