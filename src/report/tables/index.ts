/**
 * Every vendor-style table a result supports, in report order. A table whose data the run does
 * not have (no direct variant, no price book...) is left out rather than printed empty.
 */
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../result.js';

export function reportTables(result: RunResult): ReportTable[] {
  void result;
  return [];
}
