/**
 * `run --shard` as a library: checks what a shard run cannot do, plays the shard (coordinator or
 * load-only) and returns its ShardResult. Writing it is the CLI's business.
 */
import os from 'node:os';
import { ConfigInvalidError } from '../../errors.js';
import type { RequestRecord } from '../../metrics/record.js';
import { redactSecrets } from '../result/redact.js';
import type { Scenario } from '../schema/scenario.js';
import { playCoordinator } from './play-coordinator.js';
import { playLoadOnly } from './play-load-only.js';
import { scenarioHash } from './scenario-hash.js';
import type { ShardPlay, ShardPlayOptions } from './shard-play.js';
import { SHARD_FORMAT, type ShardResult } from './shard-result.js';

export type RunShardOptions = Omit<ShardPlayOptions, 'scenarioHash'>;

/** @throws ConfigInvalidError (exit 104) for a scenario a shard cannot run. */
export function checkShardable(scenario: Scenario): void {
  const where = `scenario ${scenario.file}`;
  if (scenario.variants.length > 0)
    throw new ConfigInvalidError(`${where}: variants cannot be sharded; run each variant as its own scenario`);
  if (scenario.load.mode === 'closed')
    throw new ConfigInvalidError(`${where}: load.connections (closed model) cannot be sharded; use load.rate`);
  if (scenario.budget !== undefined)
    throw new ConfigInvalidError(`${where}: budget cannot be enforced across shards; remove it for a sharded run`);
}

export async function runShard(scenario: Scenario, options: RunShardOptions): Promise<ShardResult> {
  checkShardable(scenario);
  const startedAt = new Date().toISOString();
  const hash = scenarioHash(scenario);
  const play = options.shard.coordinator ? playCoordinator : playLoadOnly;
  const played = await play(scenario, { ...options, scenarioHash: hash });
  const { shard } = options;
  return {
    format: SHARD_FORMAT,
    shard: { index: shard.index, count: shard.count, coordinator: shard.coordinator },
    scenarioName: scenario.name,
    scenarioHash: hash,
    seed: scenario.seed,
    startAt: new Date(shard.startAtEpochMs).toISOString(),
    startAtEpochMs: shard.startAtEpochMs,
    readyLeadMs: Math.round(played.readyLeadMs),
    startOffsetMs: startOffset(played),
    missed: played.missed,
    scheduled: played.scheduled,
    interrupted: played.interrupted,
    startedAt,
    finishedAt: new Date().toISOString(),
    host: { hostname: os.hostname(), cpus: os.cpus().length, loadAverage: os.loadavg() },
    scheduleLag: played.scheduleLag,
    itl: played.itl,
    records: played.records.sort((a, b) => a.seq - b.seq),
    ...(played.coordinator ? { coordinator: { ...played.coordinator, scenario: redactSecrets(scenario) } } : {}),
  };
}

/** How long after --start-at this shard really began: its lateness, else its first arrival's schedule lag. */
function startOffset(played: ShardPlay): number {
  if (played.lateByMs > 0) return round(played.lateByMs);
  const first = played.records.reduce<RequestRecord | undefined>(
    (a, r) => (a === undefined || r.seq < a.seq ? r : a),
    undefined,
  );
  return first === undefined ? 0 : round(first.sentMs - first.intendedMs);
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
