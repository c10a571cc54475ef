/**
 * Shard flags and the merge's refusals, table-driven: each wrong input is an error (exit 104)
 * that names the flag or the file. The CLI test (test/cli/sharded-run.test.ts) runs real shards.
 */
import { describe, expect, it } from 'vitest';
import { ConfigInvalidError, exitCodeFor } from '../../../src/errors.js';
import type { RequestRecord } from '../../../src/metrics/record.js';
import { checkShards, type ShardFile } from '../../../src/scenario/shard/check-shards.js';
import { parseShardFlags } from '../../../src/scenario/shard/shard-spec.js';
import { SHARD_FORMAT, type ShardResult } from '../../../src/scenario/shard/shard-result.js';

const START = Date.parse('2026-12-03T20:00:00Z');

function record(seq: number): RequestRecord {
  return { seq, intendedMs: seq * 10, sentMs: seq * 10, endMs: seq * 10 + 5, outcome: 'ok' };
}

/** Shard `index` of `count` holding its share of `total` arrivals. */
function shard(index: number, count: number, total = 8, changes: Partial<ShardResult> = {}): ShardResult {
  const records = Array.from({ length: total }, (_, seq) => seq)
    .filter((s) => s % count === index)
    .map(record);
  return {
    format: SHARD_FORMAT,
    shard: { index, count, coordinator: index === 0 },
    scenarioName: 's',
    scenarioHash: 'abc',
    seed: 1,
    startAt: new Date(START).toISOString(),
    startAtEpochMs: START,
    readyLeadMs: 100,
    startOffsetMs: 0.5,
    missed: 0,
    scheduled: records.length,
    interrupted: false,
    startedAt: '',
    finishedAt: '',
    host: { hostname: 'h', cpus: 2, loadAverage: [0, 0, 0] },
    records,
    ...(index === 0 ? { coordinator: {} as NonNullable<ShardResult['coordinator']> } : {}),
    ...changes,
  };
}

const files = (...shards: ShardResult[]): ShardFile[] =>
  shards.map((content, i) => ({ file: `f${i}.json.gz`, content }));

describe('parseShardFlags', () => {
  it.each([
    [
      { shard: '2/4', startAt: String(START) },
      { index: 2, count: 4, startAtEpochMs: START, coordinator: false },
    ],
    [
      { shard: '0/4', startAt: '2026-12-03T20:00:00Z' },
      { index: 0, count: 4, startAtEpochMs: START, coordinator: true },
    ],
    [
      { shard: '3/4', startAt: START, coordinator: true },
      { index: 3, count: 4, startAtEpochMs: START, coordinator: true },
    ],
  ])('%j', (flags, spec) => expect(parseShardFlags(flags)).toEqual(spec));

  it.each([
    [{ shard: '4/4', startAt: START }, /--shard: expected I\/N.*"4\/4"/],
    [{ shard: 'two', startAt: START }, /--shard: expected I\/N/],
    [{ shard: '0/4' }, /--start-at: required/],
    [{ shard: '0/4', startAt: '1796327134' }, /--start-at: 1796327134 looks like epoch seconds/],
    [{ shard: '0/4', startAt: '2026-12-03 20:00' }, /--start-at: expected an ISO time with a zone/],
    [{ startAt: START }, /--start-at: only with --shard/],
  ])('refuses %j', (flags, message) => {
    expect(() => parseShardFlags(flags)).toThrow(message);
    expect(() => parseShardFlags(flags)).toThrow(ConfigInvalidError);
  });
});

describe('checkShards', () => {
  it('accepts a complete set, in index order', () => {
    const checked = checkShards(files(shard(2, 3), shard(0, 3), shard(1, 3)));
    expect(checked.map((s) => s.shard.index)).toEqual([0, 1, 2]);
  });

  it.each([
    ['a different seed', files(shard(0, 2), shard(1, 2, 8, { seed: 2 })), /f1\.json\.gz: seed 2 differs from 1 in f0/],
    [
      'a different scenario',
      files(shard(0, 2), shard(1, 2, 8, { scenarioHash: 'xyz' })),
      /f1\.json\.gz: scenario hash "xyz" differs/,
    ],
    ['a duplicate index', files(shard(0, 2), shard(1, 2), shard(1, 2)), /f2\.json\.gz: duplicate shard 1\/2 \(also f1/],
    ['a missing shard', files(shard(0, 3), shard(2, 3)), /shard 1\/3 missing \(given: f0\.json\.gz, f1\.json\.gz\)/],
    ['another N', files(shard(0, 2), shard(1, 3)), /f1\.json\.gz: shard count 3 differs from 2/],
    [
      'no coordinator',
      files(shard(0, 2, 8, { coordinator: undefined }), shard(1, 2)),
      /exactly one coordinator shard, found 0/,
    ],
    [
      'not a shard file',
      [{ file: 'result.json', content: { format: 'relaybench.result/1' } }],
      /result\.json: not a relaybench shard/,
    ],
    [
      'records of another share',
      files(shard(0, 2), shard(1, 2, 8, { records: [record(2)], scheduled: 1 })),
      /f1\.json\.gz: arrival 2 is not in shard 1\/2's share/,
    ],
    [
      'broken accounting',
      files(shard(0, 2), shard(1, 2, 8, { scheduled: 9 })),
      /f1\.json\.gz: 4 records for 9 scheduled arrivals/,
    ],
  ])('refuses %s with exit 104, naming the file', (_, given, message) => {
    let error: unknown;
    try {
      checkShards(given);
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).toMatch(message);
    expect(exitCodeFor(error)).toBe(104);
  });
});
