/** Fleet metrics from records and relay events: per replica, convergence, dead-provider attempts, overspend; and their report lines. */
import { describe, expect, it } from 'vitest';
import { fleetMetrics } from '../../src/metrics/fleet.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import type { RelayTimelineEvent } from '../../src/metrics/relay-events.js';
import { fleetComparison, fleetSection } from '../../src/report/fleet-section.js';
import type { Aggregates } from '../../src/metrics/aggregate.js';

const record = (seq: number, replica: number, fields: Partial<RequestRecord> = {}): RequestRecord => ({
  seq,
  intendedMs: seq * 100,
  sentMs: seq * 100,
  endMs: seq * 100 + 20,
  outcome: 'ok',
  replica,
  ...fields,
});

const open = (replica: number, atMs: number, target = 'a/gpt-4.1-mini'): RelayTimelineEvent => ({
  type: 'breaker',
  target,
  atMs,
  from: 'closed',
  to: 'open',
  replica,
});

const window = { provider: 'a', type: 'http_status', atMs: 1000, forMs: 2000, appliedMs: 1010, removedMs: 3010 };

describe('fleetMetrics', () => {
  it('counts per replica, and measures convergence and attempts per fault window', () => {
    const records = [
      record(0, 0),
      record(5, 1, { outcome: 'failed', failure: 'connect' }),
      record(12, 0, { attemptsByProvider: { a: 2, b: 1 } }),
      record(13, 1, { attemptsByProvider: { a: 1, b: 1 } }),
      record(14, 2, { attemptsByProvider: { b: 1 } }),
      record(40, 2, { attemptsByProvider: { a: 5 } }), // after the window
      record(41, 2, { outcome: 'dropped' }),
    ];
    const events = [
      open(1, 1200),
      open(1, 1300), // a second open of replica 1 does not move its first
      open(0, 1450),
      open(2, 1500),
      open(0, 500), // before the window
      open(2, 1400, 'b/gpt-4.1-mini'), // another provider
    ];
    const m = fleetMetrics({ records, replicas: 3, windows: [window], relayEvents: events, durationMs: 5000 });
    expect(m.replicas).toEqual([
      { replica: 0, sent: 2, ok: 2, failed: 0 },
      { replica: 1, sent: 2, ok: 1, failed: 1 },
      { replica: 2, sent: 2, ok: 2, failed: 0 },
    ]);
    expect(m.windows).toEqual([
      expect.objectContaining({
        provider: 'a',
        opened: 3,
        firstOpenMs: 1200,
        lastOpenMs: 1500,
        convergenceMs: 300,
        attempts: 3,
        attemptsByReplica: [2, 1, 0],
      }),
    ]);
  });

  it('leaves convergence out while some replica never opened, and skips windows that never happened', () => {
    const m = fleetMetrics({
      records: [],
      replicas: 3,
      windows: [window, { ...window, appliedMs: undefined }],
      relayEvents: [open(0, 1100), open(2, 2000)],
      durationMs: 5000,
    });
    expect(m.windows).toHaveLength(1);
    expect(m.windows[0]).toMatchObject({ opened: 2, firstOpenMs: 1100, lastOpenMs: 2000 });
    expect(m.windows[0]!.convergenceMs).toBeUndefined();
  });

  it('prices each budgeted client key and reports spend beyond its budget', () => {
    const book = { name: 'b', kind: 'direct' as const, models: { m: { input: 1_000_000, output: 0 } } };
    // Each success: 1 prompt token at $1M per million tokens = $1.
    const ok = (seq: number, client: string): RequestRecord =>
      record(seq, seq % 2, { client, model: 'm', usage: { prompt: 1, completion: 0 } });
    const records = [
      ok(0, 'team-a'),
      ok(1, 'team-a'),
      ok(2, 'team-a'),
      ok(3, 'team-b'),
      record(4, 0, { client: 'team-a', outcome: 'failed', status: 429 }),
    ];
    const m = fleetMetrics({
      records,
      replicas: 2,
      windows: [],
      relayEvents: [],
      durationMs: 1000,
      budgets: { 'team-a': 2, 'team-b': 5 },
      book,
    });
    expect(m.budgets).toEqual([
      { client: 'team-a', budgetUsd: 2, spentUsd: 3, overspendUsd: 1, refused: 1 },
      { client: 'team-b', budgetUsd: 5, spentUsd: 1, overspendUsd: 0, refused: 0 },
    ]);
  });

  it('renders the fleet section and the configurations side by side', () => {
    const m = fleetMetrics({
      records: [record(12, 0, { attemptsByProvider: { a: 4 } }), record(13, 1, { attemptsByProvider: { a: 1 } })],
      replicas: 2,
      windows: [window],
      relayEvents: [open(0, 1100), open(1, 1180)],
      durationMs: 5000,
    });
    const aggregates = { fleet: m } as unknown as Aggregates;
    const text = fleetSection(aggregates).join('\n');
    expect(text).toContain('| replica-0 | 1 | 1 | 0 |');
    expect(text).toMatch(/\| http_status on a \| .* \| 2 of 2 \| 80 ms \| 5 \| 4 \/ 1 \|/);
    const side = fleetComparison([
      { name: 'memory', aggregates },
      { name: 'none', aggregates: {} as Aggregates },
    ]).join('\n');
    expect(side).toContain('Fleet, by configuration');
    expect(side).toMatch(/\| memory \| http_status on a \| 5 \| 2 of 2 \| 80 ms \|/);
    expect(side).not.toContain('| none |');
  });
});
