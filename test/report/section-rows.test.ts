/** The run sections' shared row model (report/sections/): what report.md and report.html both print. */
import { describe, expect, it } from 'vitest';
import type { Aggregates } from '../../src/metrics/aggregate.js';
import type { RelayTimelineEvent } from '../../src/metrics/relay-events.js';
import { faultWindowsTable } from '../../src/report/sections/fault-windows.js';
import { phasesTable, servedBy } from '../../src/report/sections/phases.js';
import { relayEventRows, relayEventsTable } from '../../src/report/sections/relay-events.js';
import { markdownSection } from '../../src/report/sections/section-table.js';
import type { RunResult } from '../../src/scenario/result/result.js';

type WindowRow = Aggregates['windows'][number];
const window = (over: Record<string, unknown>): WindowRow =>
  ({
    provider: 'primary',
    type: 'reset',
    startMs: 8000,
    endMs: 13_250,
    requests: 262,
    failed: 3,
    dropped: 1,
    onPrimary: true,
    failoverMs: 54,
    disruptionMs: 120,
    recoveryMs: 500,
    servedNothingBefore: undefined,
    ...over,
  }) as WindowRow;

describe('faultWindowsTable', () => {
  it('is absent without windows', () => {
    expect(faultWindowsTable({ windows: [] } as unknown as Aggregates)).toBeUndefined();
  });

  it.each([
    ['a recovered primary', {}, ['reset on primary', '8.00–13.25 s', '262', '4', '54 ms', '120 ms', '500 ms']],
    [
      'no failover, never recovered',
      { failoverMs: undefined, disruptionMs: undefined, recoveryMs: undefined },
      ['reset on primary', '8.00–13.25 s', '262', '4', 'none', 'not within the run', 'not within the run'],
    ],
    [
      'a fallback that served nothing before',
      { provider: 'fallback', onPrimary: false, servedNothingBefore: true },
      ['reset on fallback', '8.00–13.25 s', '262', '4', 'n/a', '120 ms', 'n/a (served nothing before)'],
    ],
  ])('%s', (_name, over, row) => {
    const t = faultWindowsTable({ windows: [window(over)] } as unknown as Aggregates)!;
    expect(t.rows).toEqual([row]);
    expect(markdownSection(t).join('\n')).toContain(`| ${row.join(' | ')} |`);
  });
});

describe('phasesTable', () => {
  const tally = (requests: number, served: Record<string, number>) => ({
    requests,
    ok: requests,
    failed: 0,
    dropped: 0,
    servedBy: served,
  });
  const run = (faults: number): RunResult =>
    ({
      faults: Array.from({ length: faults }, () => ({})),
      aggregates: {
        phases: {
          baseline: tally(10, { primary: 10 }),
          fault: tally(0, {}),
          recovery: tally(5, { primary: 2, fallback: 3 }),
        },
      },
    }) as unknown as RunResult;

  it('lists the phases that had requests, most-serving provider first; none without faults', () => {
    expect(phasesTable(run(1))!.rows).toEqual([
      ['baseline', '10', '10', '0', '0', 'primary 10'],
      ['recovery', '5', '5', '0', '0', 'fallback 3, primary 2'],
    ]);
    expect(phasesTable(run(0))).toBeUndefined();
    expect(servedBy({})).toBe('—');
  });
});

describe('relay events', () => {
  const events: RelayTimelineEvent[] = [
    { type: 'breaker', target: 'primary', atMs: 8012, from: 'closed', to: 'open' },
    { type: 'cooldown', target: 'primary', atMs: 8016, untilMs: 11_016, reason: 'retry_after', replica: 1 },
  ];

  it('formats breaker transitions and cooldowns on the load clock, with the replica of a fleet', () => {
    expect(relayEventRows(events)).toEqual([
      { at: '8.01', replica: undefined, what: 'breaker of primary closed → open' },
      { at: '8.02', replica: 'replica-1', what: 'primary cooling down until 11.02 s (retry_after)' },
    ]);
    expect(relayEventsTable(events)!.header).toEqual(['Time', 'Replica', 'Event']);
    expect(relayEventsTable(events.slice(0, 1))!).toMatchObject({
      header: ['Time', 'Event'],
      rows: [['8.01 s', 'breaker of primary closed → open']],
    });
    expect(relayEventsTable([])).toBeUndefined();
  });
});
