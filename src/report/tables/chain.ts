/** What a configuration calls: its chain of providers and the models they serve. */
import type { RunResult } from '../result.js';

/** The models of the chain in order (provider names when an older result does not say). */
export function chainModels(run: RunResult): string[] {
  const providers = run.scenario.providers ?? [];
  return run.scenario.target.chain.map((name) => providers.find((p) => p.name === name)?.model ?? name);
}

/** `direct`, `builtin` or `external`. */
export function targetKind(run: RunResult): string {
  return run.scenario.target.kind;
}
