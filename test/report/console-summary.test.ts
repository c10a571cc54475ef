/**
 * The console's end-of-test summary: the verdict, the headline table, the fault windows, the
 * gates, the warnings and where the files are; report.md keeps the rest.
 */
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../src/metrics/aggregate.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { consoleSummary } from '../../src/report/console-summary.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { evaluateGates } from '../../src/scenario/gates/evaluate.js';
import { buildResult, type RunResult } from '../../src/scenario/result/result.js';
import { parseScenario } from '../../src/scenario/schema/loader.js';
import type { RunOutcome } from '../../src/scenario/run/play.js';

const WINDOW = { provider: 'primary', type: 'reset', atMs: 1000, forMs: 1000, appliedMs: 1000, removedMs: 2000 };

function run(gates: string): RunResult {
  const scenario = parseScenario(
    `name: summary\nproviders: [{ name: primary }, { name: fallback }]\nload: { rate: 25/s, duration: 4s }\n` +
      `faults: [{ provider: primary, type: reset, at: 1s, for: 1s }]\n${gates}`,
    'summary.yaml',
  );
  const records = Array.from({ length: 100 }, (_, seq): RequestRecord => {
    const intendedMs = seq * 40;
    if (intendedMs >= 1000 && intendedMs < 1100)
      return { seq, intendedMs, sentMs: intendedMs, endMs: intendedMs + 5, outcome: 'failed', failure: 'reset' };
    const fallback = intendedMs >= 1000 && intendedMs < 2000;
    const provider = fallback ? 'fallback' : 'primary';
    return { seq, intendedMs, sentMs: intendedMs, endMs: intendedMs + 20, outcome: 'ok', provider, attempts: 1 };
  });
  const a = aggregate({ records, scheduled: 100, windows: [WINDOW], primary: 'primary', durationMs: 4000 });
  const outcome: RunOutcome = {
    scenario,
    startedAt: '2026-12-03T00:00:00.000Z',
    finishedAt: '2026-12-03T00:00:05.000Z',
    records,
    scheduled: 100,
    windows: [WINDOW],
    interrupted: false,
    faultPlane: { url: 'http://127.0.0.1:1', embedded: true },
    processes: [],
    cleanupErrors: [],
  };
  return buildResult(outcome, a, evaluateGates(scenario.gates, a));
}

const FILES = ['out/result.json', 'out/report.md', 'out/report.html'];

describe('the console summary', () => {
  it('has the verdict, headline table, fault windows, gates and files, and leaves the detail to report.md', () => {
    const result = run("gates:\n  success_rate: ['rate >= 99%']\n");
    const text = consoleSummary(result, FILES);
    expect(text).toMatch(/^## summary: FAILED\n/);
    expect(text).toContain('| Configuration | Success Rate |');
    expect(text).toMatch(/\| reset on primary \| 1\.00–2\.00 s \|/);
    expect(text).toMatch(/\| `success_rate: rate >= 99%` \| 97\.00% \| \*\*FAIL\*\* \|/);
    expect(text).toMatch(/Full report .*: out\/result\.json, out\/report\.md, out\/report\.html$/);
    const full = renderMarkdown(result);
    expect(full).toContain('### By provider');
    expect(text).not.toContain('### By provider');
    expect(text.length).toBeLessThan(full.length);
  });

  it('says PASSED only when gates ran and held, "no gates" when there were none', () => {
    expect(consoleSummary(run("gates:\n  success_rate: ['rate >= 90%']\n"), FILES)).toMatch(/^## summary: PASSED\n/);
    const none = consoleSummary(run(''), FILES);
    expect(none).toMatch(/^## summary: no gates\n/);
    expect(none).not.toContain('### Gates');
  });
});
