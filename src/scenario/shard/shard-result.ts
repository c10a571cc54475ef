/**
 * A shard's result file (`shard-I-of-N.json.gz`): everything `relaybench merge` needs to build
 * the result one generator would have produced. The records themselves travel, not only their
 * histograms: the merge aggregates every shard's records once, so each histogram, slice,
 * failover and recovery figure is exactly the single-generator one (summing slices or adding
 * HDR histograms gives the same numbers for those two, but failover and recovery need records
 * of all shards on one timeline). Generator-side figures that are not in the records (schedule
 * lag, inter-token gaps) are HDR-encoded and added exactly. The coordinator adds what only it
 * saw: the fault windows, the relay's events and the mocks' logs.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FaultWindow } from '../../metrics/fault-window.js';
import type { EncodedItl } from '../../metrics/itl-histograms.js';
import type { RequestRecord } from '../../metrics/record.js';
import type { RelayTimelineEvent } from '../../metrics/relay-events.js';
import type { ScheduleLag } from '../../metrics/schedule-lag-summary.js';
import type { Served } from '../run/mock-log.js';
import type { RunOutcome } from '../run/play.js';
import type { Scenario } from '../schema/scenario.js';

export const SHARD_FORMAT = 'relaybench.shard/1';

export interface ShardResult {
  format: typeof SHARD_FORMAT;
  shard: { index: number; count: number; coordinator: boolean };
  scenarioName: string;
  scenarioHash: string;
  seed: number;
  startAt: string;
  startAtEpochMs: number;
  /** Ready (target known, generator warm) this long before --start-at, on this shard's clock; negative = late. */
  readyLeadMs: number;
  /** When this shard really began its schedule, ms after --start-at on its own clock (lateness or first-send lag). */
  startOffsetMs: number;
  /** Arrivals due before it started, recorded as dropped (only a late shard has any). */
  missed: number;
  scheduled: number;
  interrupted: boolean;
  startedAt: string;
  finishedAt: string;
  host: { hostname: string; cpus: number; loadAverage: number[] };
  scheduleLag?: ScheduleLag | undefined;
  itl?: EncodedItl | undefined;
  records: RequestRecord[];
  /** The coordinator's part: set on exactly one shard. */
  coordinator?: CoordinatorPart | undefined;
}

export interface CoordinatorPart {
  /** The resolved scenario, secrets redacted (gates, providers and prices for the merge). */
  scenario: Scenario;
  windows: FaultWindow[];
  relayEvents?: RelayTimelineEvent[] | undefined;
  /** Who served each sequence number, from the mocks' logs: every shard's requests are in them. */
  served: Array<[number, Served]>;
  faultPlane: RunOutcome['faultPlane'];
  targetUrl: string;
  processes: RunOutcome['processes'];
  cleanupErrors: string[];
}

export function encodeShardResult(result: ShardResult): Buffer {
  return gzipSync(JSON.stringify(result));
}

/** Parses a shard file's bytes (gzip or plain JSON); validation is merge-shards.ts's. */
export function decodeShardResult(bytes: Buffer): unknown {
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return JSON.parse((gzipped ? gunzipSync(bytes) : bytes).toString('utf8'));
}
