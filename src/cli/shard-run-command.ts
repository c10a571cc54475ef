/**
 * `relaybench run scenario.yaml --shard I/N --start-at T`: one shard of a sharded run. Prints
 * where it stands relative to --start-at (a late start on stderr, with the arrivals it drops),
 * writes `shard-I-of-N.json.gz` into --out, and exits 0 (gates are evaluated by `merge`), 1 on a
 * harness error, 130 when interrupted.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT } from '../errors.js';
import type { Scenario } from '../scenario/schema/scenario.js';
import { checkShardable, runShard } from '../scenario/shard/run-shard.js';
import { encodeShardResult, type ShardResult } from '../scenario/shard/shard-result.js';
import { shardFileName, type ShardSpec } from '../scenario/shard/shard-spec.js';
import { progressPrinter } from './progress.js';

export interface ShardRunOptions {
  shard: ShardSpec;
  out: string;
  targetUrl?: string | undefined;
  faultPlaneUrl?: string | undefined;
  signal: AbortSignal;
}

export async function runShardCommand(scenario: Scenario, options: ShardRunOptions): Promise<number> {
  checkShardable(scenario);
  const { shard, out } = options;
  const label = `shard ${shard.index}/${shard.count}${shard.coordinator ? ' (coordinator)' : ''}`;
  const leadMs = shard.startAtEpochMs - Date.now();
  process.stderr.write(
    leadMs >= 0
      ? `relaybench: ${label}: starting load at ${new Date(shard.startAtEpochMs).toISOString()} (in ${(leadMs / 1000).toFixed(1)} s)\n`
      : `relaybench: ${label}: started ${(-leadMs / 1000).toFixed(3)} s after --start-at; arrivals already due are counted as dropped\n`,
  );
  await mkdir(out, { recursive: true });
  const printer = progressPrinter(process.stderr);
  const result = await runShard(scenario, {
    shard,
    outDir: out,
    targetUrl: options.targetUrl,
    faultPlaneUrl: options.faultPlaneUrl,
    signal: options.signal,
    onEvent: printer,
    onRecord: (record) => printer.observe(record),
  });
  const file = join(out, shardFileName(shard));
  await writeFile(file, encodeShardResult(result));
  process.stdout.write(`${shardSummary(label, result)}\nwrote ${file}\n`);
  if (result.missed > 0)
    process.stderr.write(
      `relaybench: ${label} started ${result.startOffsetMs} ms after --start-at: ` +
        `${result.missed} arrivals it missed are counted as dropped\n`,
    );
  if (result.interrupted) return EXIT.interrupted;
  return (result.coordinator?.cleanupErrors.length ?? 0) > 0 ? EXIT.harnessError : EXIT.ok;
}

function shardSummary(label: string, result: ShardResult): string {
  const dropped = result.records.filter((r) => r.outcome === 'dropped').length;
  const ok = result.records.filter((r) => r.outcome === 'ok').length;
  const late =
    result.missed > 0
      ? `; LATE by ${result.startOffsetMs} ms: ${result.missed} missed arrivals counted as dropped`
      : '';
  const lag = result.scheduleLag ? `, schedule lag p99 ${result.scheduleLag.p99Ms} ms` : '';
  return (
    `${label}: ${result.scheduled} scheduled, ${ok} ok, ${dropped} dropped, ` +
    `start offset ${result.startOffsetMs} ms${lag}${late}`
  );
}
