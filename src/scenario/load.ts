/**
 * Loads a scenario file: YAML -> schema validation -> typed Scenario. Every problem is reported
 * as `file:line:col: field: message`, all of them at once, so a user fixes a file in one pass.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ConfigInvalidError, ScenarioInvalidError, ScenarioNotFoundError } from '../errors.js';
import { parseRelayConfig } from '../relay/config.js';
import { describeAt, describeZodIssue, parseYamlSource } from '../yaml-errors.js';
import { planFaults } from './fault-plan.js';
import { relayConfigFor } from './relay-config.js';
import { scenarioSchema, type Scenario } from './schema.js';

export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ScenarioNotFoundError(file, { cause: error });
    throw new ScenarioInvalidError(`${file}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  return parseScenario(text, file);
}

/** Parses scenario text; `file` is used for messages and the default name. */
export function parseScenario(text: string, file: string): Scenario {
  const parsedYaml = parseYamlSource(text, file);
  if (!parsedYaml.ok) throw new ScenarioInvalidError(parsedYaml.errors.join('\n'));
  const result = scenarioSchema.safeParse(parsedYaml.value);
  if (!result.success) {
    const options = { schema: scenarioSchema, source: parsedYaml.source };
    const lines = result.error.issues.flatMap((issue) => describeZodIssue(issue, options));
    throw new ScenarioInvalidError(`invalid scenario ${file}\n${lines.join('\n')}`);
  }
  const parsed = result.data;
  const scenario: Scenario = {
    ...parsed,
    name: parsed.name ?? basename(file, extname(file)),
    file,
    target: { ...parsed.target, chain: parsed.target.chain ?? parsed.providers.map((p) => p.name) },
    schedule: planFaults(parsed.faults),
  };
  checkRelayConfig(scenario, parsedYaml.source);
  return scenario;
}

/** The relay must accept the config this scenario makes for it: find out now, not mid-run. */
function checkRelayConfig(scenario: Scenario, source: Parameters<typeof describeAt>[0]): void {
  try {
    parseRelayConfig(relayConfigFor(scenario, () => '127.0.0.1:1'));
  } catch (error) {
    if (!(error instanceof ConfigInvalidError)) throw error;
    const detail = error.message.replace(/^invalid relay config\n?/, '').replace(/\n/g, '; ');
    throw new ScenarioInvalidError(`invalid scenario ${scenario.file}\n${describeAt(source, ['target', 'policies'], `the relay rejects these policies: ${detail}`)}`);
  }
}
