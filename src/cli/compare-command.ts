/** `relaybench compare <a.json> <b.json>`: headline metrics side by side; exit 99 when B regresses. */
import { EXIT } from '../errors.js';
import { renderComparison } from '../report/compare.js';
import { parseTolerance, REGRESSION_DEFAULTS } from '../scenario/gates/baseline.js';
import { readResultFile } from './result-file.js';

export async function compareCommand(options: { a: string; b: string; tolerance?: string }): Promise<number> {
  const tolerance =
    options.tolerance === undefined
      ? REGRESSION_DEFAULTS.latencyTolerance
      : parseTolerance(options.tolerance, '--tolerance');
  const [a, b] = await Promise.all([readResultFile(options.a), readResultFile(options.b)]);
  const comparison = renderComparison(a, b, tolerance);
  process.stdout.write(`${comparison.markdown}\n`);
  return comparison.regressions.length > 0 ? EXIT.gateFailed : EXIT.ok;
}
