/**
 * A variants run as one result: every variant's full result under `variants`, the top-level
 * fields those of the first variant (so tools reading a single-run result still work), `passed`
 * only if every variant passed. Pure.
 */
import type { RunResult, VariantRun } from './result.js';

export function combineVariants(runs: readonly VariantRun[]): RunResult {
  const first = runs[0];
  if (first === undefined) throw new Error('combineVariants: no variant ran');
  const last = runs[runs.length - 1]!;
  return {
    ...first.result,
    // The budget is the whole run's: the last configuration's figures include every earlier one's spend.
    ...(last.result.budget ? { budget: last.result.budget } : {}),
    finishedAt: last.result.finishedAt,
    interrupted: runs.some((r) => r.result.interrupted),
    passed: runs.every((r) => r.result.passed),
    gates: runs.flatMap((r) => r.result.gates.map((g) => ({ ...g, variant: r.name }))),
    processes: runs.flatMap((r) => r.result.processes),
    cleanupErrors: runs.flatMap((r) => r.result.cleanupErrors),
    variants: [...runs],
  };
}
