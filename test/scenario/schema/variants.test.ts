/**
 * Variants: the loader expands a matrix or named overrides into full scenarios (errors located in
 * the variant that wrote them), and the chains comparison in short form measures three different
 * success rates under the same fault, in one table.
 */
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../../src/metrics/aggregate.js';
import { table as markdownTable } from '../../../src/report/format.js';
import { CONFIGURATIONS_HEADER, configurationCells } from '../../../src/report/tables/configurations.js';
import { loadScenario, parseScenario } from '../../../src/scenario/schema/loader.js';
import { playScenario } from '../../../src/scenario/run/play.js';
import { isAlive } from '../../support/processes.js';

const PROVIDERS = `providers:
  - { name: primary, latency: 5ms }
  - { name: secondary, latency: 5ms }
  - { name: tertiary, latency: 5ms }
load: { rate: 10/s, duration: 2s }
`;

describe('variants in the loader', () => {
  it('expands a chain matrix in order, names rows by chain, keeps seed, load and faults', () => {
    const s = parseScenario(`${PROVIDERS}seed: 9\nvariants:\n  chain: [[primary], [primary, secondary]]\n`, 'm.yaml');
    expect(s.variants.map((v) => v.name)).toEqual(['primary', 'primary → secondary']);
    expect(s.variants.map((v) => v.scenario.target.chain)).toEqual([['primary'], ['primary', 'secondary']]);
    expect(
      s.variants.every((v) => v.scenario.seed === 9 && v.scenario.load.rate === 10 && v.scenario.variants.length === 0),
    ).toBe(true);
  });

  it('takes the cartesian product of several dimensions', () => {
    const s = parseScenario(
      `${PROVIDERS}variants:\n  target: [{ kind: direct }, { kind: builtin }]\n  chain: [[primary], [primary, tertiary]]\n`,
      'm.yaml',
    );
    expect(s.variants.map((v) => [v.scenario.target.kind, v.scenario.target.chain])).toEqual([
      ['direct', ['primary']],
      ['direct', ['primary', 'tertiary']],
      ['builtin', ['primary']],
      ['builtin', ['primary', 'tertiary']],
    ]);
  });

  it('deep-merges named overrides onto the scenario', () => {
    const s = parseScenario(
      `${PROVIDERS}target: { attempt_timeout: 1s }\nvariants:\n  - { name: one, target: { chain: [primary] } }\n  - { name: two, chain: [primary, secondary] }\n`,
      'n.yaml',
    );
    expect(s.variants.map((v) => [v.name, v.scenario.target.chain, v.scenario.target.attempt_timeout])).toEqual([
      ['one', ['primary'], 1000],
      ['two', ['primary', 'secondary'], 1000],
    ]);
  });

  it.each([
    [
      'an unknown provider in a matrix chain',
      'variants:\n  chain: [[primary], [primary, nobody]]\n',
      /n\.yaml:7:32: field 'target\.chain\[1\]': unknown provider 'nobody'.* \(variant 'primary → nobody'\)/,
    ],
    [
      'an unknown provider in a named override',
      'variants:\n  - name: x\n    target: { chain: [ghost] }\n',
      /n\.yaml:8:23: field 'target\.chain\[0\]': unknown provider 'ghost'.* \(variant 'x'\)/,
    ],
    [
      'a variant changing the seed',
      'variants:\n  - { name: x, seed: 3 }\n',
      /field 'variants\[0\]\.seed': a variant may set name, target, chain, providers, faults and load only/,
    ],
    [
      "a bad rate in a variant's load",
      'variants:\n  - { name: x, load: { rate: fast } }\n',
      /n\.yaml:7:30: field 'load\.rate'.*\(variant 'x'\)/,
    ],
    ['a bad matrix dimension', 'variants:\n  seed: [1, 2]\n', /field 'variants\.seed': not a matrix dimension/],
    [
      'duplicate names',
      'variants:\n  - { name: x }\n  - { name: x }\n',
      /field 'variants\[1\]\.name': duplicate variant name 'x'/,
    ],
    [
      'a gate scoped to a variant the file does not have',
      "gates:\n  'latency{variant:3-chian}': ['p(99) < 1s']\nvariants:\n  - { name: 3-chain }\n",
      /n\.yaml:7:31: field 'gates\.latency\{variant:3-chian\}': unknown variant '3-chian'; variants: 3-chain/,
    ],
    [
      'a variant-scoped gate without variants',
      "gates:\n  'success_rate{phase:fault,variant:x}': ['rate > 90%']\n",
      /field 'gates\..*': scoped to variant 'x', but the scenario has no variants/,
    ],
  ])('reports %s where it is written', (_what, tail, expected) => {
    expect(() => parseScenario(`${PROVIDERS}${tail}`, 'n.yaml')).toThrow(expected);
  });

  it('lets a variant change the load (deep-merged) and the faults (the list replaced)', () => {
    const s = parseScenario(
      `${PROVIDERS}faults: [{ provider: primary, type: down, at: 1s, for: 500ms }]\nvariants:\n` +
        `  - { name: calm, faults: [] }\n  - { name: busy, load: { rate: 40/s } }\n` +
        `  - { name: slow, faults: [{ provider: secondary, type: latency, latency: 200ms, at: 0s, for: 1s }] }\n`,
      'v.yaml',
    );
    const shape = s.variants.map((v) => [
      v.name,
      v.scenario.load.rate,
      v.scenario.load.duration,
      v.scenario.schedule.map((f) => `${f.type} on ${f.provider}`),
    ]);
    expect(shape).toEqual([
      ['calm', 10, 2000, []],
      ['busy', 40, 2000, ['down on primary']],
      ['slow', 10, 2000, ['latency on secondary']],
    ]);
    const matrix = parseScenario(`${PROVIDERS}variants:\n  load: [{ rate: 5/s }, { rate: 20/s }]\n`, 'm.yaml');
    expect(matrix.variants.map((v) => [v.name, v.scenario.load.rate])).toEqual([
      ['load 5/s', 5],
      ['load 20/s', 20],
    ]);
  });

  it('loads the published chains comparison', async () => {
    const s = await loadScenario('scenarios/compare/chains.yaml');
    expect(s.variants.map((v) => [v.name, v.scenario.target.chain.length])).toEqual([
      ['single', 1],
      ['2-chain', 2],
      ['3-chain', 3],
    ]);
  });
});

describe('variants run', () => {
  it('single vs 2-chain vs 3-chain under the same outage: three different measured success rates in one table', async () => {
    const base = await loadScenario('scenarios/compare/chains.yaml');
    // The published scenario in short form: same shape, 4 s of load, the outage from 1 s to 3 s.
    const short = parseScenario(
      `providers:
  - { name: primary, latency: 5ms }
  - { name: secondary, latency: 5ms }
  - { name: tertiary, latency: 5ms }
seed: 42
target: { policies: { breaker: { openMs: 500, rampMs: 0 } } }
load: { rate: 40/s, duration: 4s, timeout: 5s }
faults:
  - { provider: primary, type: down, at: 1s, for: 2s }
  - { provider: secondary, type: http_status, status: 503, rate: 0.3, at: 1s, for: 2s }
variants:
${base.variants.map((v) => `  - { name: ${v.name}, chain: [${v.scenario.target.chain.join(', ')}] }`).join('\n')}
`,
      'chains-short.yaml',
    );
    const rows = [];
    for (const variant of short.variants) {
      const outcome = await playScenario(variant.scenario);
      expect(outcome.processes.filter((p) => isAlive(p.pid))).toEqual([]);
      const aggregates = aggregate({
        records: outcome.records,
        scheduled: outcome.scheduled,
        windows: outcome.windows,
        primary: 'primary',
        durationMs: variant.scenario.load.duration,
      });
      expect(aggregates.accountingHolds).toBe(true);
      expect(aggregates.scheduled).toBe(160);
      rows.push({ name: variant.name, aggregates });
    }
    const [single, two, three] = rows.map((r) => r.aggregates.successRate) as [number, number, number];
    // Single loses the outage (~50%); the 2-chain part of it; the 3-chain (almost) nothing.
    // Tolerant bounds: the full suite runs beside this test on 2 cores.
    expect(single).toBeLessThan(0.7);
    expect(two).toBeGreaterThan(single + 0.05);
    expect(three).toBeGreaterThan(two);
    expect(three).toBeGreaterThan(0.9);
    const table = markdownTable(
      CONFIGURATIONS_HEADER,
      rows.map((r) => configurationCells(r.name, r.aggregates)),
    );
    expect(table.split('\n')).toHaveLength(5);
    expect(table).toContain(
      '| Configuration | Success Rate | Avg Failures/1K | Worst Case Recovery | Requests | p50 | p95 | p99 | Failover time |',
    );
    expect(table).toMatch(/\| single \| \d+\.\d\d% \| [\d.]+ \| [^|]+ \| 160 \|/);
  });
});
