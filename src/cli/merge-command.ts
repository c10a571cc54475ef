/**
 * `relaybench merge <shard files or dirs..> --out dir [--junit file]`: the shards of one sharded
 * run into one result.json, report.md and report.html, measured and gated exactly as a single
 * generator's run; exit codes as for `run` (99 when a gate fails). A missing or duplicate shard,
 * or shards of another scenario or seed, is refused with exit 104 naming the file.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigInvalidError, EXIT } from '../errors.js';
import { renderJUnit } from '../report/junit.js';
import { resultOfOutcome } from '../scenario/run/measure.js';
import { checkShards, type ShardFile } from '../scenario/shard/check-shards.js';
import { mergedOutcome, shardsSummary } from '../scenario/shard/merge-shards.js';
import { decodeShardResult } from '../scenario/shard/shard-result.js';
import { consoleSummary } from '../report/console-summary.js';
import { loadPriceBooksFlag } from './price-book-file.js';
import { writeReportFiles } from './report-files.js';

export interface MergeCommandOptions {
  inputs: string[];
  out: string;
  junit?: string | undefined;
  prices?: string[] | undefined;
}

const SHARD_FILE = /^shard-\d+-of-\d+\.json(\.gz)?$/;

export async function mergeCommand(options: MergeCommandOptions): Promise<number> {
  const files = await shardFiles(options.inputs);
  const shards = checkShards(await Promise.all(files.map(readShard)));
  const prices = loadPriceBooksFlag(options.prices);
  const result = {
    ...resultOfOutcome(mergedOutcome(shards), prices === undefined ? {} : { prices }),
    shards: shardsSummary(shards),
  };
  const { files: written } = await writeReportFiles(options.out, result);
  process.stdout.write(`\n${consoleSummary(result, written)}\n`);
  if (options.junit !== undefined) {
    await mkdir(dirname(options.junit), { recursive: true });
    await writeFile(options.junit, renderJUnit([result]));
    process.stdout.write(`wrote ${options.junit}\n`);
  }
  if (result.interrupted) return EXIT.interrupted;
  if (!result.aggregates.accountingHolds || result.cleanupErrors.length > 0) return EXIT.harnessError;
  return result.gates.every((g) => g.passed) ? EXIT.ok : EXIT.gateFailed;
}

/** Files as given; directories searched one level deep for shard-I-of-N.json(.gz). */
async function shardFiles(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (info === undefined) throw new ConfigInvalidError(`merge: ${input}: no such file or directory`);
    if (!info.isDirectory()) {
      files.push(input);
      continue;
    }
    for (const entry of await readdir(input, { withFileTypes: true })) {
      const path = join(input, entry.name);
      if (entry.isFile() && SHARD_FILE.test(entry.name)) files.push(path);
      else if (entry.isDirectory())
        for (const inner of await readdir(path)) if (SHARD_FILE.test(inner)) files.push(join(path, inner));
    }
  }
  return [...new Set(files)];
}

async function readShard(file: string): Promise<ShardFile> {
  try {
    return { file, content: decodeShardResult(await readFile(file)) };
  } catch (error) {
    throw new ConfigInvalidError(`merge: ${file}: not a readable shard result (${(error as Error).message})`);
  }
}
