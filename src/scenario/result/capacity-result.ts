/**
 * A sweep's analysis in result.json: each configuration's steps, added latency against the direct
 * configuration, throughput frontier and knee (metrics/capacity-frontier.ts), so a reader of the
 * file gets the figures the report prints. Pure.
 */
import { analyseCapacity, type CapacityAnalysis, type CapacityInput } from '../../metrics/capacity-frontier.js';
import type { RunResult } from './result.js';

/** The analysis of every configuration that ran a sweep; undefined when none did. */
export function capacityOf(result: RunResult): CapacityAnalysis[] | undefined {
  const runs =
    result.variants !== undefined && result.variants.length > 0
      ? result.variants.map((v) => ({ name: v.name, result: v.result }))
      : [{ name: result.scenario.name, result }];
  const inputs = runs.flatMap(({ name, result: run }): CapacityInput[] => {
    const capacity = run.aggregates.capacity;
    return capacity === undefined ? [] : [{ name, direct: run.scenario.target.kind === 'direct', capacity }];
  });
  return inputs.length === 0 ? undefined : analyseCapacity(inputs);
}

/** The result with its `capacity` analysis, when it ran a sweep. */
export function withCapacity(result: RunResult): RunResult {
  const capacity = capacityOf(result);
  return capacity === undefined ? result : { ...result, capacity };
}
