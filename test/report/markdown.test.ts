import { describe, expect, it } from 'vitest';
import { aggregate } from '../../src/metrics/aggregate.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { buildResult } from '../../src/scenario/result/result.js';
import { evaluateGates } from '../../src/scenario/gates/evaluate.js';
import { parseScenario } from '../../src/scenario/schema/loader.js';
import type { RunOutcome } from '../../src/scenario/run/play.js';

const scenario = parseScenario(
  `name: md
providers: [{ name: primary }, { name: fallback }]
load: { rate: 10/s, duration: 2s }
faults: [{ provider: primary, type: down, at: 1s, for: 500ms }]
gates:
  success_rate: ['rate >= 99%']
  latency: ['p(99) < 100ms']
  failover_time: ['max < 1s']
`,
  'md.yaml',
);

function outcome(): RunOutcome {
  const records: RequestRecord[] = Array.from({ length: 20 }, (_, seq) => {
    const intendedMs = seq * 100;
    const inFault = intendedMs >= 1000 && intendedMs < 1500;
    if (seq === 10)
      return {
        seq,
        intendedMs,
        sentMs: intendedMs,
        endMs: intendedMs + 300,
        outcome: 'failed',
        failure: 'status_503',
        status: 503,
      };
    return {
      seq,
      intendedMs,
      sentMs: intendedMs,
      endMs: intendedMs + (inFault ? 50 : 20),
      outcome: 'ok',
      provider: inFault ? 'fallback' : 'primary',
      attempts: inFault ? 2 : 1,
    };
  });
  return {
    scenario,
    startedAt: '2026-11-22T00:00:00.000Z',
    finishedAt: '2026-11-22T00:00:03.000Z',
    records,
    scheduled: 20,
    windows: [{ provider: 'primary', type: 'down', atMs: 1000, forMs: 500, appliedMs: 1000, removedMs: 1500 }],
    interrupted: false,
    faultPlane: { url: 'http://127.0.0.1:1', embedded: true },
    processes: [],
    cleanupErrors: [],
  };
}

describe('renderMarkdown', () => {
  const run = outcome();
  const aggregates = aggregate({
    records: run.records,
    scheduled: 20,
    windows: run.windows,
    primary: 'primary',
    durationMs: 2000,
  });
  const result = buildResult(run, aggregates, evaluateGates(scenario.gates, aggregates));
  const markdown = renderMarkdown(result);

  it('prints the summary row from the measured figures', () => {
    // 19/20 ok; the 503 has latency 300 ms, so p99 lands on it; first fallback success ends at 1150 ms.
    expect(markdown).toContain(
      '| Configuration | Success Rate | Avg Failures/1K | Worst Case Recovery | Requests | p50 | p95 | p99 | Failover time |',
    );
    expect(markdown).toMatch(
      /\| builtin relay, 2-provider chain \(primary → fallback\) \| 95\.00% \| 50\.0 \| [^|]+ \| 20 \| 20 ms \| \d+ ms \| 300 ms \| 150 ms \|/,
    );
  });

  it('shows outcomes by phase with the serving provider', () => {
    expect(markdown).toContain('| baseline | 10 | 10 | 0 | 0 | primary 10 |');
    expect(markdown).toContain('| fault | 5 | 4 | 1 | 0 | fallback 4 |');
    expect(markdown).toContain('| recovery | 5 | 5 | 0 | 0 | primary 5 |');
    expect(markdown).toContain('Failures by kind: status_503 1');
  });

  it('lists every gate with its measured value and verdict', () => {
    expect(markdown).toContain('| `success_rate: rate >= 99%` | 95.00% | **FAIL** |');
    expect(markdown).toContain('| `latency: p(99) < 100ms` | 300 ms | **FAIL** |');
    expect(markdown).toContain('| `failover_time: max < 1s` | 150 ms | pass |');
    expect(result.passed).toBe(false);
  });

  it('states the method under the table', () => {
    expect(markdown).toContain('Method: open-model 10 req/s for 2 s');
    expect(markdown).toContain('down on primary (applied 1.00 s, removed 1.50 s)');
  });
});
