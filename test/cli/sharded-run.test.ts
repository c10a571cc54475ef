/**
 * Sharded load end to end, as a user runs it: four `run --shard i/4` processes on one --start-at
 * against one target (shard 0, the coordinator, owns the mocks, the fault plane and our relay),
 * a single-process run of the same scenario and seed beside them, then `merge`. The merged result
 * must equal the single run exactly on counts (scheduled, per-slice offered) and on the fault
 * windows, and within a generous tolerance on latency; a merge of mismatched shards exits 104
 * naming the file. Everything runs in parallel to keep the wall time to one run's.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/scenario/result/result.js';
import type { ShardResult } from '../../src/scenario/shard/shard-result.js';
import { relaybench, type CliRun } from '../support/cli.js';

const SCENARIO = `name: sharded
seed: 11
providers:
  - { name: primary, latency: 10ms }
  - { name: fallback, latency: 15ms }
target:
  chain: [primary, fallback]
  attempt_timeout: 1s
load: { rate: 40/s, duration: 2s, timeout: 1s, mix: { stream_ratio: 0.5, max_tokens: 8 } }
faults:
  - { provider: primary, type: latency, latency: 150ms, at: 800ms, for: 600ms }
gates:
  success_rate: ['rate >= 90%']
`;
/** Time for four CLI processes to load and the coordinator to start its services; a late shard still counts. */
const LEAD_MS = 8_000;

let dir: string;
let shards: CliRun[];
let single: CliRun;
let merged: CliRun;
let duplicate: CliRun;
let reseeded: CliRun;
let mergedResult: RunResult;
let singleResult: RunResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-shards-'));
  const file = join(dir, 'sharded.yaml');
  await writeFile(file, SCENARIO);
  const startAt = String(Date.now() + LEAD_MS);
  const out = join(dir, 'shards');
  [single, ...shards] = await Promise.all([
    relaybench(['run', file, '--out', join(dir, 'single')]),
    ...[0, 1, 2, 3].map((i) => relaybench(['run', file, '--shard', `${i}/4`, '--start-at', startAt, '--out', out])),
  ]);
  const shown = [...shards, single].map((r) => `${r.code}: ${r.stderr.slice(-600)}`).join('\n');
  await prepareMismatches(out).catch((error: Error) => Promise.reject(new Error(`${error.message}\n${shown}`)));
  [merged, duplicate, reseeded] = await Promise.all([
    relaybench(['merge', out, '--out', join(dir, 'merged'), '--junit', join(dir, 'junit.xml')]),
    relaybench(['merge', out, join(dir, 'dup', 'shard-1-of-4.json.gz'), '--out', join(dir, 'm1')]),
    relaybench(['merge', join(dir, 'reseeded'), '--out', join(dir, 'm2')]),
  ]);
  const read = (path: string): Promise<string> =>
    readFile(path, 'utf8').catch((error: Error) => Promise.reject(new Error(`${error.message}\n${shown}`)));
  mergedResult = JSON.parse(await read(join(dir, 'merged', 'result.json'))) as RunResult;
  singleResult = JSON.parse(await read(join(dir, 'single', 'result.json'))) as RunResult;
}, 240_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('four shards merged', () => {
  it('every shard and the merge exit 0; shards say what they sent and when', () => {
    for (const [i, run] of shards.entries()) {
      expect(run.code, `shard ${i}: ${run.stderr}`).toBe(0);
      expect(run.stdout).toContain(`shard ${i}/4`);
      expect(run.stdout).toContain(`shard-${i}-of-4.json.gz`);
    }
    expect(single.code, single.stderr).toBe(0);
    // Gated as one run: 0 when the merged result passes, 99 when not (a shard started late on a loaded box).
    expect(merged.code, merged.stderr).toBe(mergedResult.passed ? 0 : 99);
  });

  it('equals the single run exactly on counts and fault windows', () => {
    const a = mergedResult.aggregates;
    const b = singleResult.aggregates;
    expect(a.scheduled).toBe(80);
    expect(a.scheduled).toBe(b.scheduled);
    expect(a.accountingHolds).toBe(true);
    expect(a.slices.map((s) => s.offered)).toEqual(b.slices.map((s) => s.offered));
    expect(a.fineSlices.map((s) => s.offered)).toEqual(b.fineSlices.map((s) => s.offered));
    const planned = (r: RunResult): unknown =>
      r.faults.map(({ provider, type, atMs, forMs }) => ({ provider, type, atMs, forMs }));
    expect(planned(mergedResult)).toEqual(planned(singleResult));
    expect(mergedResult.faults[0]!.appliedMs).toBeDefined(); // the coordinator's confirmed window
    expect(mergedResult.shards!.shards.map((s) => s.scheduled)).toEqual([20, 20, 20, 20]);
  });

  it('agrees with the single run on latency within tolerance, and counts late arrivals as dropped', () => {
    const missed = mergedResult.shards!.shards.reduce((sum, s) => sum + s.missed, 0);
    expect(mergedResult.aggregates.dropped).toBeGreaterThanOrEqual(missed);
    for (const [i, line] of mergedResult.shards!.shards.entries())
      if (line.missed > 0)
        expect(shards[i]!.stderr).toMatch(/after --start-at: \d+ arrivals it missed are counted as dropped/);
    if (missed > 0) return; // a shard this loaded machine started late: its latency is not comparable
    const p50 = (r: RunResult): number => r.aggregates.latency.p50Us / 1000;
    expect(p50(mergedResult)).toBeLessThan(p50(singleResult) * 3 + 50);
    expect(p50(singleResult)).toBeLessThan(p50(mergedResult) * 3 + 50);
    expect(mergedResult.aggregates.ok).toBe(80);
  });

  it('gates on the merged result and reports the shards and their start spread', async () => {
    const rate = mergedResult.aggregates.successRate;
    expect(mergedResult.gates).toEqual([expect.objectContaining({ actual: rate, passed: rate >= 0.9 })]);
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain('success_rate');
    const report = await readFile(join(dir, 'merged', 'report.md'), 'utf8');
    expect(report).toContain('### Shards (4 generators, merged)');
    expect(report).toMatch(/start offsets spread over [\d.]+ ms/);
    expect(mergedResult.shards!.startSpreadMs).toBeGreaterThanOrEqual(0);
  });
});

describe('merge refuses shards that are not one run', () => {
  it('a duplicate index or another seed: exit 104 naming the file', () => {
    expect(duplicate.code).toBe(104);
    expect(duplicate.stderr).toMatch(/dup\/shard-1-of-4\.json\.gz: duplicate shard 1\/4/);
    expect(reseeded.code).toBe(104);
    expect(reseeded.stderr).toMatch(/reseeded\/shard-2-of-4\.json\.gz: seed 12 differs from 11/);
  });
});

/** dir/dup: a second copy of shard 1; dir/reseeded: the four shards, shard 2 claiming another seed. */
async function prepareMismatches(out: string): Promise<void> {
  await mkdir(join(dir, 'dup'));
  await copyFile(join(out, 'shard-1-of-4.json.gz'), join(dir, 'dup', 'shard-1-of-4.json.gz'));
  const reseededDir = join(dir, 'reseeded');
  await mkdir(reseededDir);
  for (const i of [0, 1, 3])
    await copyFile(join(out, `shard-${i}-of-4.json.gz`), join(reseededDir, `shard-${i}-of-4.json.gz`));
  const other = JSON.parse(gunzipSync(await readFile(join(out, 'shard-2-of-4.json.gz'))).toString()) as ShardResult;
  await writeFile(join(reseededDir, 'shard-2-of-4.json.gz'), gzipSync(JSON.stringify({ ...other, seed: 12 })));
}
