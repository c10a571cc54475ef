/**
 * The run pipeline as a library: a scenario in, a RunResult out. A scenario without variants is
 * measured once; one with variants runs each in turn -- own processes, own run directory, same
 * seed, load and faults -- and the results are combined; a `budget:` bounds the whole run, so a
 * configuration that reaches it leaves the rest unrun. Files the run makes (configs, a
 * gateway's log) go to `runDir` (one folder per variant in it); writing result.json and the
 * reports is the caller's business.
 */
import { join } from 'node:path';
import type { Scenario } from '../schema/scenario.js';
import { combineVariants } from '../result/combine-variants.js';
import { withCapacity } from '../result/capacity-result.js';
import { carriedFrom } from './budget-guard.js';
import { measureScenario, type MeasureOptions } from './measure.js';
import { checkReach } from './reach.js';
import { checkEnv } from './required-env.js';
import type { RunResult, VariantRun } from '../result/result.js';

export interface RunScenarioOptions extends MeasureOptions {
  /** Where the run's files go; a variants run makes a folder per variant in it. */
  runDir?: string | undefined;
  /** Traffic to hosts beyond this machine is allowed (`--allow-remote`); else such a run is refused. */
  allowRemote?: boolean | undefined;
}

/**
 * @throws RemoteNotAllowedError (exit 104) before anything starts when the run would reach a
 * remote host without permission; ScenarioInvalidError when a variable it needs is not set.
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): Promise<RunResult> {
  const emit = options.onEvent ?? (() => {});
  checkEnv(scenario);
  const remote = checkReach(scenario, options);
  if (remote.length > 0)
    emit({ kind: 'phase', message: `sending traffic beyond this machine to: ${remote.join(', ')}` });
  if (scenario.variants.length === 0) {
    emit({ kind: 'configuration', offeredPerSecond: offered(scenario) });
    return withCapacity(await measureScenario(scenario, options));
  }
  const runs: VariantRun[] = [];
  for (const [index, variant] of scenario.variants.entries()) {
    const total = scenario.variants.length;
    emit({
      kind: 'configuration',
      offeredPerSecond: offered(variant.scenario),
      variant: { index, total, name: variant.name },
    });
    const runDir = options.runDir === undefined ? undefined : join(options.runDir, variantFolder(index, variant.name));
    // One budget for the whole run: each configuration starts from what the earlier ones spent.
    const spentBefore = carriedFrom(runs.at(-1)?.result.budget);
    const result = await measureScenario(variant.scenario, { ...options, runDir, spentBefore }, variant.name);
    runs.push({ name: variant.name, result });
    if (result.interrupted) break;
    if (result.budget?.reached) {
      const skipped = scenario.variants.slice(index + 1).map((v) => v.name);
      if (skipped.length > 0) emit({ kind: 'phase', message: `budget reached: not running ${skipped.join(', ')}` });
      return withCapacity(withSkipped(combineVariants(runs), skipped));
    }
  }
  return withCapacity(combineVariants(runs));
}

/** The combined result's budget names the configurations the budget left unrun. */
function withSkipped(result: RunResult, skipped: string[]): RunResult {
  return skipped.length === 0 || !result.budget
    ? result
    : { ...result, budget: { ...result.budget, skippedVariants: skipped } };
}

/** `variant-2-relay-4-models`: numbered in run order, the name made safe for a folder. */
export function variantFolder(index: number, name: string): string {
  return `variant-${index + 1}-${name.replace(/[^a-z0-9_-]+/gi, '-').replace(/^-|-$/g, '')}`;
}

/** The nominal arrival rate shown as "offered" in progress lines; unknown (undefined) for closed load or a sweep. */
function offered(scenario: Scenario): number | undefined {
  if (scenario.load.schedule?.kind === 'sweep') return undefined; // it changes every step
  return scenario.load.rate || undefined;
}
