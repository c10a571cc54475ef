/**
 * A load-only shard: no fixture of its own. It learns the target's address (--target-url, or the
 * coordinator's target.json in the shared --out), then sends its share of the schedule from
 * --start-at; a shard that gets there late drops what it missed (open-model.ts `dropMissed`).
 */
import type { RequestRecord } from '../../metrics/record.js';
import { headersWithoutFixture } from '../fixture/start-target.js';
import { driveLoad } from '../run/drive-load.js';
import type { Scenario } from '../schema/scenario.js';
import { shareOf, type ShardPlay, type ShardPlayOptions } from './shard-play.js';
import { waitForTargetFile, type SharedTarget } from './target-file.js';

export async function playLoadOnly(scenario: Scenario, options: ShardPlayOptions): Promise<ShardPlay> {
  const emit = options.onEvent ?? (() => {});
  const { shard } = options;
  const target = await findTarget(scenario, options);
  const readyLeadMs = shard.startAtEpochMs - Date.now();
  emit({ kind: 'phase', message: `shard ${shard.index}/${shard.count}: target ${target.baseUrl}` });
  const { headers } = target;
  const load = headers === undefined ? scenario.load : { ...scenario.load, mix: { ...scenario.load.mix, headers } };
  const records: RequestRecord[] = [];
  const run = await driveLoad({
    baseUrl: target.baseUrl,
    chatPath: target.chatPath,
    dial: target.dial,
    providerHeader: target.providerHeader,
    replicas: target.replicas,
    spread: target.spread,
    load,
    seed: scenario.seed,
    share: shareOf(shard),
    signal: options.signal,
    onRecord: (record) => {
      records.push(record);
      options.onRecord?.(record);
    },
  });
  return {
    records,
    scheduled: run.scheduled,
    interrupted: run.interrupted,
    readyLeadMs,
    lateByMs: run.lateByMs ?? 0,
    missed: run.missed ?? 0,
    scheduleLag: run.scheduleLag,
    itl: run.itl,
  };
}

/**
 * How long after the load's end a shard still waits for the coordinator's address: a coordinator
 * that was slow to start its services (a pod still pending, an image still pulling) still gets every shard's result (the arrivals they missed
 * counted as dropped), so the merge shows the late start instead of a missing shard.
 */
const TARGET_WAIT_AFTER_END_MS = 300_000;

/** --target-url as given, else the coordinator's file, waited for (see TARGET_WAIT_AFTER_END_MS). */
async function findTarget(
  scenario: Scenario,
  options: ShardPlayOptions,
): Promise<Omit<SharedTarget, 'scenarioHash' | 'startAtEpochMs'>> {
  if (options.targetUrl !== undefined)
    return {
      baseUrl: options.targetUrl.replace(/\/+$/, ''),
      chatPath: undefined,
      dial: undefined,
      providerHeader: 'provider_header' in scenario.target ? scenario.target.provider_header : undefined,
      replicas: [],
      spread: scenario.target.spread,
      headers: headersWithoutFixture(scenario),
    };
  const { shard } = options;
  const deadline = shard.startAtEpochMs + scenario.load.duration + TARGET_WAIT_AFTER_END_MS;
  const expect = { startAtEpochMs: shard.startAtEpochMs, scenarioHash: options.scenarioHash };
  return waitForTargetFile(options.outDir, expect, deadline, options.signal);
}
