/**
 * A RunResult built the way measureScenario builds one, from hand-made records: for tests of
 * reports, comparisons and summaries that need a real result without playing a scenario.
 */
import { aggregate } from '../../src/metrics/aggregate.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { buildResult, type RunResult } from '../../src/scenario/result/result.js';
import type { RunOutcome } from '../../src/scenario/run/play.js';
import type { Scenario } from '../../src/scenario/schema/scenario.js';

/** The played outcome of `records` (every one scheduled, no faults, nothing started). */
export function outcomeOf(scenario: Scenario, records: RequestRecord[]): RunOutcome {
  return {
    scenario,
    startedAt: 'x',
    finishedAt: 'y',
    records,
    scheduled: records.length,
    windows: [],
    interrupted: false,
    faultPlane: { url: '', embedded: true },
    processes: [],
    cleanupErrors: [],
  } as unknown as RunOutcome;
}

/** `records` aggregated over `durationMs` with provider `a` as the primary, and no gates. */
export function resultOfRecords(scenario: Scenario, records: RequestRecord[], durationMs: number): RunResult {
  const aggregates = aggregate({ records, scheduled: records.length, windows: [], primary: 'a', durationMs });
  return buildResult(outcomeOf(scenario, records), aggregates, []);
}
