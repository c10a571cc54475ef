/**
 * report.html's Fleet section, from fleet figures computed by the real `fleetMetrics` (records,
 * relay events, fault windows, budgets): per replica, convergence and attempts per fault window,
 * budget overspend; side by side for a variants run; absent for a single relay.
 */
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../src/metrics/aggregate.js';
import { fleetMetrics } from '../../src/metrics/fleet.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { fleetHtml } from '../../src/report/html/fleet-html.js';
import { renderHtml } from '../../src/report/html/html-report.js';
import { evaluateGates } from '../../src/scenario/gates/evaluate.js';
import { buildResult, type RunResult } from '../../src/scenario/result/result.js';
import type { RunOutcome } from '../../src/scenario/run/play.js';
import { parseScenario } from '../../src/scenario/schema/loader.js';

const scenario = parseScenario(
  'name: fleet\nproviders: [{ name: a }, { name: b }]\nload: { rate: 10/s, duration: 5s }\n',
  'fleet.yaml',
);
const WINDOW = { provider: 'a', type: 'http_status', atMs: 1000, forMs: 2000, appliedMs: 1010, removedMs: 3010 };
const BOOK = { name: 'book', kind: 'direct' as const, models: { m: { input: 1_000_000, output: 0 } } };

/** Replica 1 fails once; requests in the window hit the dead provider 2 + 1 times; team-a spends $3 of $2. */
function records(): RequestRecord[] {
  const at = (seq: number, replica: number, fields: Partial<RequestRecord> = {}): RequestRecord => ({
    seq,
    intendedMs: seq * 100,
    sentMs: seq * 100,
    endMs: seq * 100 + 20,
    outcome: 'ok',
    replica,
    client: 'team-a',
    model: 'm',
    usage: { prompt: 1, completion: 0 },
    ...fields,
  });
  return [
    at(0, 0),
    at(5, 1, { outcome: 'failed', failure: 'connect', usage: undefined }),
    at(12, 0, { attemptsByProvider: { a: 2, b: 1 } }),
    at(13, 1, { attemptsByProvider: { a: 1, b: 1 } }),
    at(20, 1, { outcome: 'failed', status: 429, usage: undefined }),
  ];
}

function fleetResult(): RunResult {
  const recs = records();
  const a = aggregate({ records: recs, scheduled: recs.length, windows: [WINDOW], primary: 'a', durationMs: 5000 });
  a.fleet = fleetMetrics({
    records: recs,
    replicas: 2,
    windows: [WINDOW],
    relayEvents: [
      { type: 'breaker', target: 'a/m', atMs: 1100, from: 'closed', to: 'open', replica: 0 },
      { type: 'breaker', target: 'a/m', atMs: 1180, from: 'closed', to: 'open', replica: 1 },
    ],
    durationMs: 5000,
    budgets: { 'team-a': 2 },
    book: BOOK,
  });
  const outcome = {
    scenario,
    startedAt: '2026-12-03T00:00:00.000Z',
    finishedAt: '2026-12-03T00:00:05.000Z',
    records: recs,
    scheduled: recs.length,
    windows: [WINDOW],
    interrupted: false,
    faultPlane: { url: 'http://127.0.0.1:1', embedded: true },
    processes: [],
    cleanupErrors: [],
  } as RunOutcome;
  return buildResult(outcome, a, evaluateGates(scenario.gates, a));
}

/** The text of each row of the section's tables, cells joined by ` | `. */
function rows(section: string): string[] {
  return [...section.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]).join(' | '),
  );
}

describe('report.html Fleet section', () => {
  it('shows per replica counts, convergence and attempts per window, and overspend', async () => {
    const html = await renderHtml(fleetResult());
    const section = /<section class="report-table" id="fleet">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(section).toContain('<h2><a href="#fleet">Fleet</a></h2>');
    const lines = rows(section);
    expect(lines).toContain('replica-0 | 2 | 2 | 0');
    expect(lines).toContain('replica-1 | 3 | 1 | 2');
    expect(lines.find((l) => l.startsWith('http_status on a'))).toMatch(/\| 2 of 2 \| 80 ms \| 3 \| 2 \/ 1$/);
    expect(lines).toContain('team-a | $2.00 | $3.00 | $1.00 | 1');
    expect(section).toMatch(/<p class="method">Method: Convergence: /);
  });

  it('puts the configurations side by side in a variants run, and is absent without a fleet', () => {
    const fleet = fleetResult();
    const single = { ...fleet, aggregates: { ...fleet.aggregates, fleet: undefined } };
    expect(fleetHtml(single)).toBe('');
    const variants = {
      ...single,
      variants: [
        { name: 'redis', result: fleet },
        { name: 'solo', result: single },
      ],
    };
    const lines = rows(fleetHtml(variants as RunResult));
    expect(lines[0]).toMatch(/^Configuration \| Fault/);
    expect(lines).toContain('redis | http_status on a | 3 | 2 of 2 | 80 ms | $1.00 | 0 / 2');
    expect(lines.some((l) => l.startsWith('solo'))).toBe(false);
  });
});
