/** The configurations a result compares: each variant of a variants run, or the one run itself. */
import type { RunResult } from '../scenario/result/result.js';

export interface Configuration {
  name: string;
  result: RunResult;
}

export function configurationsOf(result: RunResult): Configuration[] {
  if (result.variants !== undefined && result.variants.length > 0)
    return result.variants.map((v) => ({ name: v.name, result: v.result }));
  return [{ name: result.scenario.name, result }];
}
