/**
 * A short real sweep (3 steps x 1 s) against a mock whose rate limit breaks at a known step:
 * rpm 30 is a bucket of 30 requests refilled at 0.5/s, so steps of 2/s and 8/s pass and the
 * 32/s step cannot (42 requests > 30 + 1.5). Direct and our relay run in turn; the frontier, the
 * knee and the added latency are computed from what was measured, and both reports show them.
 * The mock answers in 150 ms so that scheduling noise on a loaded machine cannot double a p99.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/schema/loader.js';
import { runScenario } from '../../src/scenario/run/run-scenario.js';
import { reportMarkdown } from '../../src/report/report-markdown.js';
import { renderHtml } from '../../src/report/html/html-report.js';

const SCENARIO = `name: capacity-e2e
seed: 7
providers:
  - { name: upstream, latency: 150ms, rpm: 30 }
target: { chain: [upstream] }
load:
  schedule: { kind: sweep, from: 2/s, to: 32/s, steps: 3, step_duration: 1s, spacing: geometric }
  timeout: 3s
variants:
  - name: direct
    target: { kind: direct, chain: [upstream] }
  - name: relay
    target: { kind: builtin, policies: { retry: { maxAttempts: 1 } } }
`;

describe('capacity sweep, end to end', () => {
  it('measures every step and finds the knee and the frontier where the upstream breaks', async () => {
    const result = await runScenario(parseScenario(SCENARIO, 'capacity.yaml'));
    const capacity = result.capacity!;
    expect(capacity.map((c) => c.name)).toEqual(['direct', 'relay']);
    for (const c of capacity) {
      expect(c.steps.map((s) => s.rate)).toEqual([2, 8, 32]);
      expect(c.steps.map((s) => s.scheduled)).toEqual([2, 8, 32]); // exact counts per step
      expect(c.steps[0]!.successRate).toBe(1);
      expect(c.steps[1]!.successRate).toBe(1);
      expect(c.steps[2]!.successRate).toBeLessThan(0.9); // ~12 of 32 refused
      expect(c.knee).toMatchObject({ rate: 32, index: 2, reason: 'success' });
      expect(c.steps[0]!.lagP99Ms).toBeGreaterThanOrEqual(0);
      expect(c.steps[2]!.achievedPerSecond).toBe(c.steps[2]!.ok);
    }
    const direct = capacity[0]!;
    const relay = capacity[1]!;
    expect(direct.baseline).toBeUndefined();
    expect(direct.frontier).toEqual([]);
    expect(relay.baseline).toBe('direct');
    // Added latency is the relay's step percentile minus direct's, as measured.
    expect(relay.steps[1]!.addedP99Ms).toBeCloseTo(relay.steps[1]!.p99Ms! - direct.steps[1]!.p99Ms!, 9);
    // The 32/s step failed, so no frontier reaches it; a generous bound holds on the passing steps.
    const under10 = relay.frontier.find((f) => f.boundMs === 10)!;
    expect(under10.atTop).toBe(false);
    expect([null, 2, 8]).toContain(under10.rate);

    const md = reportMarkdown(result);
    expect(md).toContain('### Capacity: throughput frontier and knee');
    expect(md).toMatch(/\| relay \|.*\| 32\.0\/s \(success \d+\.\d\d%\) \|/);
    expect(md).toContain('capacity sweep: 3 steps of 1 s from 2 to 32 req/s (geometric)');
    const html = await renderHtml(result);
    expect(html).toContain('data-chart="capacity"');
    expect(html).toContain('id="table-capacity-steps"');
    expect(html).toContain('id="table-capacity-frontier"');
  }, 60_000);
});
