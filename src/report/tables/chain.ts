/** The models a configuration's chain serves. */
import type { RunResult } from '../../scenario/result/result.js';

/** The models of the chain in order (provider names when an older result does not say). */
export function chainModels(run: RunResult): string[] {
  const providers = run.scenario.providers ?? [];
  return run.scenario.target.chain.map((name) => providers.find((p) => p.name === name)?.model ?? name);
}
