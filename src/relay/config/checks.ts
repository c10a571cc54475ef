/**
 * Cross-field rules of the full config form, run after the schema passed: references resolve,
 * names are unique, bounds are ordered. Each problem names the offending field's path.
 */
import type { IssuePath } from '../../yaml-errors.js';
import { PREFILL_MODES_BY_DIALECT } from '../dialects/prefill.js';
import type { FullConfigInput } from './schema.js';

export interface CrossCheckProblem {
  readonly path: IssuePath;
  readonly message: string;
}

export function crossCheck(config: FullConfigInput): CrossCheckProblem[] {
  const problems: CrossCheckProblem[] = [];
  const add = (path: IssuePath, message: string): void => void problems.push({ path, message });

  const providers = new Map<string, number>();
  config.providers.forEach((provider, index) => {
    const first = providers.get(provider.name);
    if (first !== undefined)
      add(['providers', index, 'name'], `duplicate provider name '${provider.name}' (also providers[${first}])`);
    else providers.set(provider.name, index);
    problems.push(...keyPoolProblems(provider, index));
    const sendable = PREFILL_MODES_BY_DIALECT[provider.dialect];
    if (provider.prefill !== undefined && !sendable.includes(provider.prefill)) {
      add(
        ['providers', index, 'prefill'],
        `'${provider.prefill}' is an OpenAI-compatible extension; a ${provider.dialect} provider takes ${sendable.join(' or ')}`,
      );
    }
    if (provider.ttfbTimeoutMs > provider.attemptTimeoutMs) {
      add(
        ['providers', index, 'ttfbTimeoutMs'],
        `must not exceed attemptTimeoutMs (${provider.attemptTimeoutMs}), got ${provider.ttfbTimeoutMs}`,
      );
    }
    if (provider.healthCheck && provider.healthCheck.timeoutMs > provider.healthCheck.intervalMs) {
      add(
        ['providers', index, 'healthCheck', 'timeoutMs'],
        `must not exceed intervalMs (${provider.healthCheck.intervalMs})`,
      );
    }
  });

  const known = [...providers.keys()].join(', ');
  // A target name stands for one provider+model pair everywhere, since breaker state is per name.
  const targets = new Map<string, { provider: string; model: string; alias: string }>();
  for (const [alias, { chain }] of Object.entries(config.models)) {
    const inChain = new Set<string>();
    chain.forEach((entry, index) => {
      const path = ['models', alias, 'chain', index];
      if (!providers.has(entry.provider))
        add([...path, 'provider'], `unknown provider '${entry.provider}' (known: ${known})`);
      const name = entry.name ?? `${entry.provider}/${entry.model}`;
      if (inChain.has(name))
        add([...path, entry.name ? 'name' : 'model'], `target '${name}' appears twice in this chain`);
      inChain.add(name);
      const seen = targets.get(name);
      if (seen && (seen.provider !== entry.provider || seen.model !== entry.model)) {
        add(
          [...path, 'name'],
          `target name '${name}' already means ${seen.provider}/${seen.model} in alias '${seen.alias}'`,
        );
      } else if (!seen) targets.set(name, { provider: entry.provider, model: entry.model, alias });
    });
  }

  const ids = new Map<string, number>();
  const hashes = new Map<string, number>();
  config.auth.keys.forEach((key, index) => {
    const path = ['auth', 'keys', index];
    const sameId = ids.get(key.id);
    if (sameId !== undefined) add([...path, 'id'], `duplicate key id '${key.id}' (also auth.keys[${sameId}])`);
    else ids.set(key.id, index);
    const sameHash = hashes.get(key.sha256);
    if (sameHash !== undefined) add([...path, 'sha256'], `same hash as auth.keys[${sameHash}]`);
    else hashes.set(key.sha256, index);
    if (key.onBudgetExhausted === 'downgrade') {
      if (key.downgradeTo === undefined) add([...path, 'downgradeTo'], 'required with onBudgetExhausted: downgrade');
      else if (!Object.hasOwn(config.models, key.downgradeTo)) {
        add(
          [...path, 'downgradeTo'],
          `unknown alias '${key.downgradeTo}' (known: ${Object.keys(config.models).join(', ')})`,
        );
      }
    } else if (key.downgradeTo !== undefined) {
      add([...path, 'downgradeTo'], 'only allowed with onBudgetExhausted: downgrade');
    }
  });

  const { retry, cooldown } = config.policies;
  if (retry.maxBackoffMs < retry.baseMs)
    add(['policies', 'retry', 'maxBackoffMs'], `must be >= baseMs (${retry.baseMs}), got ${retry.maxBackoffMs}`);
  if (cooldown.maxMs < cooldown.defaultMs)
    add(['policies', 'cooldown', 'maxMs'], `must be >= defaultMs (${cooldown.defaultMs}), got ${cooldown.maxMs}`);
  return problems;
}

/** `apiKeyEnv` xor `apiKeyEnvs`, and no variable twice in a pool. */
function keyPoolProblems(provider: FullConfigInput['providers'][number], index: number): CrossCheckProblem[] {
  const { apiKeyEnv, apiKeyEnvs } = provider;
  if (apiKeyEnvs === undefined) return [];
  const path = ['providers', index, 'apiKeyEnvs'];
  if (apiKeyEnv !== undefined)
    return [{ path, message: `provider '${provider.name}': set apiKeyEnv or apiKeyEnvs, not both` }];
  const twice = apiKeyEnvs.find((name, i) => apiKeyEnvs.indexOf(name) !== i);
  return twice === undefined
    ? []
    : [{ path, message: `provider '${provider.name}': variable ${twice} appears twice in the pool` }];
}
