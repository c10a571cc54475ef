/**
 * Checked shards -> the RunOutcome one generator would have played: every shard's records on the
 * shared load clock (load time 0 = --start-at on every shard), attributed once from the
 * coordinator's copy of the mocks' logs; scheduled summed and checked against the schedule
 * itself; fault windows, relay events and processes from the coordinator; schedule lag and
 * inter-token gaps added as HDR histograms. Measuring it is measure.ts's `resultOfOutcome`. Pure.
 */
import { ConfigInvalidError } from '../../errors.js';
import { createSchedule } from '../../load/schedule.js';
import { mergeItl } from '../../metrics/itl-histograms.js';
import type { RequestRecord } from '../../metrics/record.js';
import { mergeScheduleLag, type ScheduleLag } from '../../metrics/schedule-lag-summary.js';
import { calledProviders } from '../fixture/start-target.js';
import { attributeDirect } from '../run/attribution.js';
import { attributeRecords } from '../run/mock-log.js';
import type { RunOutcome } from '../run/play.js';
import type { ShardResult } from './shard-result.js';
import type { ShardLine, ShardsSummary } from './shards-summary.js';

/** @param shards checked (check-shards.ts), in index order. @throws ConfigInvalidError when their sum is not the schedule. */
export function mergedOutcome(shards: readonly ShardResult[]): RunOutcome {
  const coordinator = shards.find((s) => s.coordinator !== undefined)!.coordinator!;
  const { scenario } = coordinator;
  const interrupted = shards.some((s) => s.interrupted);
  const scheduled = shards.reduce((sum, s) => sum + s.scheduled, 0);
  if (!interrupted) checkScheduleCount(shards, scheduled);
  const merged = shards.flatMap((s) => s.records).sort((a, b) => a.seq - b.seq);
  const attributed = attributeRecords(merged, new Map(coordinator.served));
  const direct = scenario.target.kind === 'direct' ? calledProviders(scenario)[0] : undefined;
  const records = direct === undefined ? attributed : attributeDirect(attributed, direct);
  const lag = mergeScheduleLag(shards.flatMap((s) => (s.scheduleLag ? [s.scheduleLag] : [])));
  const itls = shards.flatMap((s) => (s.itl ? [s.itl] : []));
  return {
    scenario,
    startedAt: shards.map((s) => s.startedAt).sort()[0]!,
    finishedAt: shards
      .map((s) => s.finishedAt)
      .sort()
      .at(-1)!,
    records,
    scheduled,
    mode: 'open-model',
    targetUrl: coordinator.targetUrl,
    attributedFromLogs: countKnown(records) - countKnown(merged),
    ...(coordinator.relayEvents ? { relayEvents: coordinator.relayEvents } : {}),
    windows: coordinator.windows,
    interrupted,
    faultPlane: coordinator.faultPlane,
    processes: coordinator.processes,
    cleanupErrors: coordinator.cleanupErrors,
    ...(lag ? { scheduleLag: lag } : {}),
    ...(itls.length > 0 ? { itl: mergeItl(itls) } : {}),
  };
}

/** The shards' lines for result.json and the report. */
export function shardsSummary(shards: readonly ShardResult[]): ShardsSummary {
  const offsets = shards.map((s) => s.startOffsetMs);
  return {
    count: shards.length,
    startAt: shards[0]!.startAt,
    startSpreadMs: Math.round((Math.max(...offsets) - Math.min(...offsets)) * 1000) / 1000,
    shards: shards.map(shardLine),
  };
}

function shardLine(shard: ShardResult): ShardLine {
  const count = (outcome: RequestRecord['outcome']): number =>
    shard.records.filter((r) => r.outcome === outcome).length;
  const dropped = count('dropped');
  const lag: ScheduleLag | undefined = shard.scheduleLag;
  return {
    index: shard.shard.index,
    coordinator: shard.coordinator !== undefined,
    hostname: shard.host.hostname,
    scheduled: shard.scheduled,
    sent: shard.scheduled - dropped,
    ok: count('ok'),
    failed: count('failed'),
    dropped,
    missed: shard.missed,
    startOffsetMs: shard.startOffsetMs,
    readyLeadMs: shard.readyLeadMs,
    lagP50Ms: lag?.p50Ms,
    lagP99Ms: lag?.p99Ms,
    lagMaxMs: lag?.maxMs,
    loadAverage: shard.host.loadAverage,
  };
}

/** Σ scheduled over the shards must be the schedule's own arrival count, and every arrival in exactly one shard. */
function checkScheduleCount(shards: readonly ShardResult[], scheduled: number): void {
  const { scenario } = shards.find((s) => s.coordinator !== undefined)!.coordinator!;
  let expected = 0;
  for (const _ of createSchedule(scenario.load.schedule!, scenario.seed)) expected++;
  const distinct = new Set(shards.flatMap((s) => s.records.map((r) => r.seq))).size;
  if (scheduled !== expected || distinct !== scheduled)
    throw new ConfigInvalidError(
      `merge: the shards scheduled ${scheduled} arrivals (${distinct} distinct) but the schedule of ` +
        `${scenario.name} with seed ${scenario.seed} has ${expected}: ` +
        shards.map((s) => `shard ${s.shard.index}: ${s.scheduled}`).join(', '),
    );
}

function countKnown(records: readonly RequestRecord[]): number {
  return records.filter((r) => r.provider !== undefined).length;
}
