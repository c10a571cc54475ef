/**
 * Environment variables a run needs, checked before anything starts: the API keys of the
 * upstream providers the target calls (`api_key_env`) and the `{{env.NAME}}` placeholders of an
 * external target (a hosted gateway's URL or key). Values are never printed, only names.
 */
import { ScenarioInvalidError } from '../../errors.js';
import { calledProviders } from '../fixture/start-target.js';
import type { Scenario } from '../schema/scenario.js';

const ENV_PLACEHOLDER = /\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** `NAME (where it is used)` for each variable the scenario (or a variant) needs that is unset or empty. */
export function missingEnv(scenario: Scenario, env: NodeJS.ProcessEnv = process.env): string[] {
  const missing = new Set<string>();
  for (const run of [scenario, ...scenario.variants.map((v) => v.scenario)]) {
    const called = new Set(calledProviders(run));
    for (const provider of run.providers) {
      const name = provider.api_key_env;
      if (name !== undefined && called.has(provider.name) && !env[name])
        missing.add(`${name} (providers.${provider.name}.api_key_env)`);
    }
    for (const [field, text] of templatedFields(run)) {
      for (const match of text.matchAll(ENV_PLACEHOLDER))
        if (!env[match[1]!]) missing.add(`${match[1]} (target.${field})`);
    }
  }
  return [...missing];
}

/** @throws ScenarioInvalidError naming every missing variable and where the scenario uses it. */
export function checkEnv(scenario: Scenario, env: NodeJS.ProcessEnv = process.env): void {
  const missing = missingEnv(scenario, env);
  if (missing.length === 0) return;
  throw new ScenarioInvalidError(`${scenario.file}: environment variables not set: ${missing.join(', ')}`);
}

function templatedFields(scenario: Scenario): Array<[string, string]> {
  const t = scenario.target;
  if (t.kind !== 'external') return [];
  const fields: Array<[string, string]> = [];
  if (t.url !== undefined) fields.push(['url', t.url]);
  if (t.ready_url !== undefined) fields.push(['ready_url', t.ready_url]);
  if (typeof t.command === 'string') fields.push(['command', t.command]);
  else t.command?.forEach((arg, i) => fields.push([`command.${i}`, arg]));
  for (const [key, value] of Object.entries(t.headers ?? {})) fields.push([`headers.${key}`, value]);
  for (const [key, value] of Object.entries(t.env ?? {})) fields.push([`env.${key}`, value]);
  if (scenario.configTemplate !== undefined) fields.push(['config_template', scenario.configTemplate.text]);
  return fields;
}
