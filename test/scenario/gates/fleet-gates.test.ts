/**
 * Fleet gates (`convergence`, `dead_attempts`, `overspend`) on fleet figures computed by the real
 * `fleetMetrics`, and end to end: a real two-replica fleet run (in process) whose gates pass and
 * fail on what the run measured, in the result and JUnit.
 */
import { describe, expect, it } from 'vitest';
import type { Aggregates } from '../../../src/metrics/aggregate.js';
import { fleetMetrics } from '../../../src/metrics/fleet.js';
import type { RequestRecord } from '../../../src/metrics/record.js';
import { evaluateGates } from '../../../src/scenario/gates/evaluate.js';
import { parseGateEntry, type GateSyntaxError } from '../../../src/scenario/gates/grammar.js';
import { renderJUnit } from '../../../src/report/junit.js';
import { runScenario } from '../../../src/scenario/run/run-scenario.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';

const window = (provider: string, atMs: number) => ({
  provider,
  type: 'http_status',
  atMs,
  forMs: 1000,
  appliedMs: atMs,
  removedMs: atMs + 1000,
});
const open = (replica: number, atMs: number, provider: string) =>
  ({ type: 'breaker', target: `${provider}/m`, atMs, from: 'closed', to: 'open', replica }) as const;
const tried = (seq: number, provider: string, n: number): RequestRecord => ({
  seq,
  intendedMs: seq * 100,
  sentMs: seq * 100,
  endMs: seq * 100 + 10,
  outcome: 'ok',
  replica: seq % 2,
  attemptsByProvider: { [provider]: n },
});

/** Window a (1-2 s): both replicas open 80 ms apart, 5 attempts. Window b (3-4 s): only replica 0 opens, 2 attempts. */
function aggregates(): Aggregates {
  const fleet = fleetMetrics({
    records: [tried(12, 'a', 3), tried(13, 'a', 2), tried(32, 'b', 2)],
    replicas: 2,
    windows: [window('a', 1000), window('b', 3000)],
    relayEvents: [open(0, 1100, 'a'), open(1, 1180, 'a'), open(0, 3100, 'b')],
    durationMs: 5000,
    budgets: { 'team-a': 1, 'team-b': 1 },
    book: { name: 'book', kind: 'direct', models: {} },
  });
  fleet.budgets = [
    { client: 'team-a', budgetUsd: 1, spentUsd: 1.25, overspendUsd: 0.25, refused: 3 },
    { client: 'team-b', budgetUsd: 1, spentUsd: 1.5, overspendUsd: 0.5, refused: 1 },
  ];
  return { fleet, windows: [] } as unknown as Aggregates;
}

function actual(key: string, expression: string, a = aggregates()): number | undefined {
  return evaluateGates([parseGateEntry(key, expression)], a)[0]!.actual;
}

describe('fleet gate values', () => {
  it('convergence per window: max unknown while a replica never opened; scoped to a provider it is known', () => {
    expect(actual('convergence', 'max <= 1s')).toBeUndefined();
    expect(actual('convergence', 'min <= 1s')).toBe(80);
    expect(actual('convergence{provider:a}', 'max <= 100ms')).toBe(80);
    const [result] = evaluateGates([parseGateEntry('convergence{provider:a}', 'max <= 50ms')], aggregates());
    expect(result).toMatchObject({ actual: 80, passed: false });
  });

  it('dead_attempts: max and avg per window, count = the sum; overspend: summed (value) or the worst key (max)', () => {
    expect(actual('dead_attempts', 'max <= 20')).toBe(5);
    expect(actual('dead_attempts', 'avg <= 20')).toBe(3.5);
    expect(actual('dead_attempts', 'count <= 20')).toBe(7);
    expect(actual('overspend', 'value <= 0')).toBe(0.75);
    expect(actual('overspend', 'max <= 0')).toBe(0.5);
  });

  it('a run that was not a fleet has no value: the gate fails and says why', () => {
    const [result] = evaluateGates([parseGateEntry('overspend', 'value <= 0')], {
      windows: [],
    } as unknown as Aggregates);
    expect(result).toMatchObject({ actual: undefined, passed: false, note: 'no data for this metric in the run' });
  });

  it('refuses the wrong unit or aggregation, naming the gate', () => {
    const message = (key: string, expression: string): string => {
      try {
        parseGateEntry(key, expression);
        return '';
      } catch (error) {
        return (error as GateSyntaxError).message;
      }
    };
    expect(message('convergence', 'max <= 200')).toMatch(/'max <= 200': convergence needs a duration unit/);
    expect(message('overspend', 'value <= 1%')).toMatch(/overspend is in USD/);
    expect(message('dead_attempts', 'p(99) < 3')).toMatch(/dead_attempts supports max, min, avg, count/);
  });
});

describe('fleet gates on a real fleet run', () => {
  it('a two-replica fleet without shared state passes its convergence gate and fails attempts and overspend', async () => {
    const scenario = parseScenario(
      `providers:
  - { name: primary, model: gpt-4.1-mini, latency: 5ms }
  - { name: fallback, model: gpt-4.1-mini, latency: 5ms }
target:
  kind: builtin
  chain: [primary, fallback]
  replicas: 2
  policies: { breaker: { consecutiveFailures: 3, openMs: 5000, rampMs: 0 } }
  budgets: { team-a: 0.0002 }
load:
  rate: 20/s
  duration: 2s
  timeout: 3s
  model: gpt-4.1-mini
  max_tokens: 32
  mix:
    keys:
      - { name: team-a, token: sk-gates-team-a, weight: 1 }
      - { name: team-b, token: sk-gates-team-b, weight: 3 }
report: { price_books: [list-2026] }
faults:
  - { provider: primary, type: http_status, status: 503, at: 500ms, for: 1s }
gates:
  convergence: ['max <= 2s']
  dead_attempts: ['count <= 0', 'max <= 1000']
  overspend: ['value <= 0', 'max < 1']
`,
      'fleet-gates.yaml',
    );
    const result = await runScenario(scenario);
    const gate = (source: string) => result.gates.find((g) => g.expression === source)!;
    const fleet = result.aggregates.fleet!;
    // Each replica learned the outage on its own: both opened, and the dead primary was tried from both.
    expect(fleet.windows[0]!.opened).toBe(2);
    expect(gate('max <= 2s')).toMatchObject({ passed: true, actual: fleet.windows[0]!.convergenceMs });
    expect(gate('count <= 0')).toMatchObject({ passed: false, actual: fleet.windows[0]!.attempts });
    expect(fleet.windows[0]!.attemptsByReplica.every((n) => n > 0)).toBe(true);
    expect(gate('max <= 1000').passed).toBe(true);
    // Two ledgers of one budget each: team-a spent beyond its budget.
    expect(gate('value <= 0')).toMatchObject({ passed: false, actual: fleet.budgets[0]!.overspendUsd });
    expect(fleet.budgets[0]!.overspendUsd).toBeGreaterThan(0);
    expect(gate('max < 1').passed).toBe(true);
    const xml = renderJUnit([result]);
    expect(xml).toMatch(/<testcase[^>]*name="dead_attempts: count &lt;= 0"[^>]*>\s*<failure/);
    expect(xml).toMatch(/<testcase[^>]*name="overspend: value &lt;= 0"[^>]*>\s*<failure[^>]*\$0\.0/);
    expect(xml).toMatch(/<testcase[^>]*name="convergence: max &lt;= 2s"[^>]*\/>/);
  }, 90_000);
});
