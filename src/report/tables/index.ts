/**
 * Every vendor-style table a result supports, in report order. A table whose data the run does
 * not have (no direct configuration, no relay price book...) is left out rather than printed empty.
 */
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../../scenario/result/result.js';
import { capacityTables } from './capacity.js';
import { configurationsTable } from './configurations.js';
import { costByBookTable } from './cost-by-book.js';
import { modelChainTable } from './model-chain.js';
import { modelPricesTable } from './model-prices.js';
import { monthlyCostTable } from './monthly-cost.js';
import { overheadTable } from './overhead.js';
import { providersTable } from './providers.js';
import { scheduleLagTable } from './schedule-lag.js';
import { servingTable } from './serving.js';
import { uptimeLevelsTable } from './uptime-levels.js';

export function reportTables(result: RunResult): ReportTable[] {
  const tables = [
    configurationsTable(result),
    overheadTable(result),
    ...capacityTables(result),
    modelChainTable(result),
    providersTable(result),
    uptimeLevelsTable(result),
    modelPricesTable(result),
    monthlyCostTable(result),
    costByBookTable(result),
    servingTable(result),
    scheduleLagTable(result),
  ];
  return tables.filter((t): t is ReportTable => t !== undefined);
}
