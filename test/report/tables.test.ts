/**
 * The vendor-style tables, checked against figures recomputed here by hand from the records:
 * cost of a run, monthly projections, downtime per month from a measured availability, and the
 * direct-vs-relay overhead.
 */
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../src/metrics/aggregate.js';
import { parsePriceBook } from '../../src/metrics/cost.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { costByBook } from '../../src/report/cost-by-book.js';
import { reportMarkdown } from '../../src/report/report-markdown.js';
import type { ReportTable } from '../../src/report/report-table.js';
import { buildResult, type Pricing, type RunResult } from '../../src/scenario/result/result.js';
import { reportTables } from '../../src/report/tables/index.js';
import { combineVariants } from '../../src/scenario/result/combine-variants.js';
import { parseScenario } from '../../src/scenario/schema/loader.js';
import type { RunOutcome } from '../../src/scenario/run/play.js';

const direct = parsePriceBook(
  { name: 'list', kind: 'direct', models: { 'model-a': { input: 2, output: 8 }, 'model-b': { input: 3, output: 15 } } },
  'list',
);
const relay = parsePriceBook(
  { name: 'cheap', kind: 'relay', models: { 'model-a': { input: 0.5, output: 2 } } },
  'cheap',
);
const pricing: Pricing = { books: [direct, relay], monthlyTokens: 500_000_000, downtimeCostPerHour: 6000 };

function scenarioText(kind: 'direct' | 'builtin'): string {
  return `name: tables
providers: [{ name: primary, model: model-a }, { name: fallback, model: model-b }]
target: { kind: ${kind}${kind === 'direct' ? ', chain: [primary]' : ''} }
load: { rate: 100/s, duration: 10s }
faults: [{ provider: primary, type: down, at: 4s, for: 2s }]
`;
}

/**
 * 1000 requests, 10 ms apart. `failEvery`: every n-th fails. The relay serves the fault window
 * (4–6 s) from the fallback (model-b) with 2 attempts; latency = `base` ms (+10 ms on a fallback).
 */
function run(kind: 'direct' | 'builtin', base: number, failEvery: number): RunResult {
  const scenario = parseScenario(scenarioText(kind), 'tables.yaml');
  const records: RequestRecord[] = Array.from({ length: 1000 }, (_, seq) => {
    const intendedMs = seq * 10;
    if (seq % failEvery === 0)
      return {
        seq,
        intendedMs,
        sentMs: intendedMs,
        endMs: intendedMs + 500,
        outcome: 'failed',
        failure: 'status_503',
        status: 503,
      };
    const onFallback = kind === 'builtin' && intendedMs >= 4000 && intendedMs < 6000;
    return {
      seq,
      intendedMs,
      sentMs: intendedMs,
      endMs: intendedMs + base + (onFallback ? 10 : 0),
      outcome: 'ok',
      provider: onFallback ? 'fallback' : 'primary',
      attempts: onFallback ? 2 : 1,
      usage: { prompt: 100, completion: 50 },
    };
  });
  const outcome: RunOutcome = {
    scenario,
    startedAt: '2026-11-22T00:00:00.000Z',
    finishedAt: '2026-11-22T00:00:10.000Z',
    records,
    scheduled: 1000,
    windows: [{ provider: 'primary', type: 'down', atMs: 4000, forMs: 2000, appliedMs: 4000, removedMs: 6000 }],
    interrupted: false,
    faultPlane: { url: 'http://127.0.0.1:1', embedded: true },
    processes: [],
    cleanupErrors: [],
  };
  const aggregates = aggregate({
    records,
    scheduled: 1000,
    windows: outcome.windows,
    primary: 'primary',
    durationMs: 10_000,
    prices: direct,
    providerModels: { primary: 'model-a', fallback: 'model-b' },
  });
  return buildResult(outcome, aggregates, [], pricing);
}

const byId = (tables: ReportTable[], id: string): ReportTable => {
  const table = tables.find((t) => t.id === id);
  if (!table) throw new Error(`no table ${id}; have ${tables.map((t) => t.id).join(', ')}`);
  return table;
};

describe('cost of a run, recomputed', () => {
  // Every 100th request fails: 990 successes. The relay run serves 4–6 s (200 requests, 2 of them
  // failed) from model-b: 198 on model-b, 792 on model-a. Each success: 100 in + 50 out tokens.
  const result = run('builtin', 20, 100);
  const aTokensUsd = (792 * (100 * 2 + 50 * 8)) / 1e6; // $0.4752
  const bTokensUsd = (198 * (100 * 3 + 50 * 15)) / 1e6; // $0.2079
  const runUsd = aTokensUsd + bTokensUsd;

  it('prices what served each request: the failover to the dearer model shows up', () => {
    const [list, cheap] = costByBook(result);
    expect(list!.book).toBe('list');
    expect(list!.totalUsd).toBeCloseTo(runUsd, 12);
    expect(list!.usdPer1k).toBeCloseTo((runUsd / 990) * 1000, 12);
    // 500M tokens a month over 990 x 150 measured tokens.
    expect(list!.monthlyUsd).toBeCloseTo(runUsd * (500e6 / (990 * 150)), 6);
    // The relay book has no price for model-b: those 198 successes are unpriced, not free.
    expect(cheap!.cost.unpriced).toBe(198);
    expect(cheap!.totalUsd).toBeCloseTo((792 * (100 * 0.5 + 50 * 2)) / 1e6, 12);
  });

  it('the cost table prints those figures', () => {
    const rows = byId(reportTables(result), 'cost-by-book').rows;
    expect(rows[0]).toEqual([
      'tables',
      'list',
      `$${runUsd.toPrecision(3)}`,
      `$${(runUsd / 990).toPrecision(3)}`,
      `$${((runUsd / 990) * 1000).toPrecision(3)}`,
      `$${Math.round(runUsd * (500e6 / 148_500)).toLocaleString('en-US')}`,
      '0',
    ]);
    expect(rows[1]![6]).toBe('198 (no price for model-b)');
  });

  it('the monthly breakdown splits the volume by the measured token share and states the savings', () => {
    const rows = byId(reportTables(result), 'monthly-cost').rows;
    const a = rows.find((r) => r[1] === 'model-a')!;
    // model-a: 792 of 990 successes = 80% of the tokens = 400M a month; list $2/$8 at 2:1 -> $4 per 1.5M... recomputed:
    expect(a[2]).toBe('80.00%');
    expect(a[3]).toBe('400M');
    const monthlyA = 400e6 * ((100 * 2 + 50 * 8) / 150 / 1e6);
    expect(a[4]).toBe(`$${Math.round(monthlyA).toLocaleString('en-US')}`);
    expect(a[6]).toBe('75.00%'); // 0.5/2 of input and 2/8 of output: a quarter of the price
    const b = rows.find((r) => r[1] === 'model-b')!;
    expect(b[5]).toBe('no price');
  });
});

describe('downtime from a measured availability, recomputed', () => {
  // Every 25th request fails: 960 of 1000 succeed, 96.00% availability.
  const result = run('builtin', 20, 25);
  const table = byId(reportTables(result), 'uptime-levels');

  it('quoted levels: 99.9% is 43.83 min a month and 8.77 h a year', () => {
    expect(table.rows[1]).toEqual([
      '99.9%',
      '43.83 min',
      '8.77 h',
      `$${Math.round((43.83 / 60) * 6000).toLocaleString('en-US')}`,
    ]);
  });

  it('the measured row: 4% of an average month, and its cost at the stated hourly rate', () => {
    // 4% of 43,830 min = 1,753.2 min = 29.22 h; of a year (525,960 min) 21,038.4 min = 14.61 days; 29.22 h x $6,000.
    const row = table.rows.find((r) => r[0]!.includes('measured'))!;
    expect(row).toEqual(['tables: measured 96.00%', '29.22 h', '14.61 days', '$175,320']);
  });
});

describe('a variants run: direct vs relay', () => {
  const result = combineVariants([
    { name: 'direct', result: run('direct', 20, 100) },
    { name: 'relay', result: run('builtin', 23, 100) },
  ]);
  const tables = reportTables(result);

  it('overhead = relay − direct at the same percentile, with both uptimes', () => {
    const rows = byId(tables, 'overhead').rows;
    expect(rows.map((r) => r[0])).toEqual(['relay, p50', 'relay, p95', 'relay, p99']);
    // p50: direct 20 ms, relay 23 ms (HDR at 3 digits reports each bucket's upper edge: +3 ms, ~15%).
    expect(rows[0]!.slice(0, 3)).toEqual(['relay, p50', '20 ms', '23 ms']);
    expect(rows[0]![3]).toMatch(/^\+3\.0 ms \(\+1[45]\.\d%\)$/);
    expect(rows[0]![4]).toBe('99.00% (direct 99.00%)');
  });

  it('flags the overhead instead of subtracting when a side failed more than 1% (its errors would read as speed)', () => {
    const failingDirect = combineVariants([
      { name: 'direct', result: run('direct', 20, 25) },
      { name: 'relay', result: run('builtin', 23, 100) },
    ]);
    const rows = byId(reportTables(failingDirect), 'overhead').rows;
    expect(rows.map((r) => r[3])).toEqual(Array(3).fill('not comparable (direct failed 4.00%)'));
    expect(rows[0]![4]).toBe('99.00% (direct 96.00%)');
  });

  it("with another load on one side, flags the overhead and states each configuration's load in the method", () => {
    const relayRun = run('builtin', 23, 100);
    const busier = { ...relayRun, scenario: { ...relayRun.scenario, load: { ...relayRun.scenario.load, rate: 300 } } };
    const mixed = combineVariants([
      { name: 'direct', result: run('direct', 20, 100) },
      { name: 'relay', result: busier },
    ]);
    const table = byId(reportTables(mixed), 'overhead');
    expect(table.rows.map((r) => r[3])).toEqual(Array(3).fill('not comparable (different load or faults)'));
    expect(table.method).toMatch(
      /same seed but their own load or faults: direct: open-model 100 req\/s .* \| relay: open-model 300 req\/s/,
    );
    expect(byId(tables, 'overhead').method).toMatch(
      /^2 configurations run in turn with the same load, faults and seed; open-model 100 req\/s/,
    );
  });

  it('the configurations table has one row per variant, and the model chain table only the chain', () => {
    expect(byId(tables, 'configurations').rows.map((r) => r[0])).toEqual(['direct', 'relay']);
    const chain = byId(tables, 'model-chain').rows;
    expect(chain.map((r) => r[0])).toEqual([
      'relay: model-a → model-b, primary healthy',
      'relay: model-a → model-b, failover triggered',
    ]);
    // 792 at 23 ms vs 198 at 33 ms: +10 ms on average.
    expect(chain[1]![4]).toBe('+10 ms avg (198 requests)');
  });

  it('providers: coverage counts the chain models; monthly cost in the direct book', () => {
    const rows = byId(tables, 'providers').rows;
    expect(rows[0]!.slice(0, 1).concat(rows[0]!.slice(3))).toEqual(['direct', '99.00%', '1 (model-a)']);
    expect(rows[1]![4]).toBe('2 (model-a, model-b)');
  });

  it("the Markdown report carries every table once, the run's method once and each table's own definitions", () => {
    const md = reportMarkdown(result);
    for (const t of tables)
      expect(md.match(new RegExp(`^### ${t.title.replace(/[()]/g, '\\$&')}$`, 'gm'))).toHaveLength(1);
    const common = md.match(/^Method: (2 configurations run in turn[^.]*)/m)![1]!;
    expect(md.split(common).length - 1).toBe(1); // the comparison's method paragraph, once
    expect(md.match(/^Method as above\. /gm)).toHaveLength(tables.length - 1);
    expect(md).toMatch(/^Method as above\. Overhead = relay latency − direct latency/m);
  });
});
