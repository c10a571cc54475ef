/**
 * The scorecard end to end on real sockets: mocks, the embedded fault plane and our relay as
 * child processes, through the ordinary pipeline, with single requests and a shortened timing.
 * Our relay passes a 500 and answers a mid-stream cut cleanly; the client calling the primary
 * straight (a `kind: direct` target file: no gateway at all) is judged `fail` on the same cut.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModeTiming } from '../../src/scorecard/mode-scenario.js';
import { selectModes } from '../../src/scorecard/modes.js';
import { runScorecard, type ScorecardProgress } from '../../src/scorecard/run-scorecard.js';
import { parseScorecardTarget } from '../../src/scorecard/scorecard-target.js';
import { renderScorecardMarkdown } from '../../src/scorecard/scorecard-table.js';

const TIMING: ModeTiming = { warmupMs: 500, durationMs: 3000, faultAtMs: 500, faultForMs: 2000, clientTimeoutMs: 5000 };
const SINGLE = [{ name: 'single' as const, rate: 3 }];
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('relaybench scorecard end to end', () => {
  it('judges our relay pass on a 500 and clean on a mid-stream cut, with attempts from the mocks', async () => {
    const progress: string[] = [];
    const onProgress = (e: ScorecardProgress): void => {
      progress.push(e.kind === 'mode-start' ? `start ${e.mode.name}` : `done ${e.result.mode} ${e.result.verdict}`);
    };
    const card = await runScorecard({
      target: parseScorecardTarget('builtin'),
      modes: selectModes(['server_error', 'stream_cut']).modes,
      paces: SINGLE,
      timing: TIMING,
      onProgress,
    });
    const [serverError, streamCut] = card.results;
    expect(progress).toEqual([
      'start server_error',
      `done server_error ${serverError?.verdict}`,
      'start stream_cut',
      `done stream_cut ${streamCut?.verdict}`,
    ]);
    expect(serverError).toMatchObject({ mode: 'server_error', verdict: 'pass', cleanupErrors: [] });
    expect(serverError!.requests).toBeGreaterThanOrEqual(4);
    // Every request in the window was answered by the fallback; the 500ing primary tried at most once each.
    expect(serverError!.attempts['fallback']!.total).toBe(serverError!.requests);
    expect(serverError!.attempts['primary']?.max ?? 0).toBeLessThanOrEqual(1);
    expect(['pass', 'safe']).toContain(streamCut!.verdict);
    expect(streamCut!.counts.truncated ?? 0).toBe(0);
    expect(streamCut!.attempts['primary']!.total).toBeGreaterThan(0);
    const markdown = renderScorecardMarkdown(card);
    expect(markdown).toContain('| `server_error` (500 answers) | **pass** |');
    expect(markdown).toContain('2 mode run(s)');
  }, 150_000);

  it('judges a client calling the primary straight `fail` on a mid-stream cut: a truncated stream', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relaybench-scorecard-'));
    dirs.push(dir);
    const file = join(dir, 'direct.yaml');
    await writeFile(file, 'target: { kind: direct }\n');
    const card = await runScorecard({
      target: parseScorecardTarget(file),
      modes: selectModes(['stream_cut']).modes,
      paces: SINGLE,
      timing: TIMING,
    });
    const [cut] = card.results;
    expect(cut).toMatchObject({ mode: 'stream_cut', verdict: 'fail' });
    expect((cut!.counts.truncated ?? 0) + (cut!.counts.connection_dropped ?? 0)).toBe(cut!.requests);
    expect(cut!.attempts).toEqual({ primary: { total: cut!.requests, max: 1 } });
  }, 90_000);
});
