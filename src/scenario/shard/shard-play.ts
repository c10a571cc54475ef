/** What playing one shard produced, before it is written as a ShardResult (run-shard.ts). */
import type { EncodedItl } from '../../metrics/itl-histograms.js';
import type { RequestRecord } from '../../metrics/record.js';
import type { ScheduleLag } from '../../metrics/schedule-lag-summary.js';
import type { RunEvent } from '../run/events.js';
import type { CoordinatorPart } from './shard-result.js';
import type { ShardSpec } from './shard-spec.js';
import type { LoadShare } from '../../load/load-share.js';

export interface ShardPlay {
  records: RequestRecord[];
  scheduled: number;
  interrupted: boolean;
  readyLeadMs: number;
  lateByMs: number;
  missed: number;
  scheduleLag?: ScheduleLag | undefined;
  itl?: EncodedItl | undefined;
  coordinator?: Omit<CoordinatorPart, 'scenario'> | undefined;
}

export interface ShardPlayOptions {
  shard: ShardSpec;
  scenarioHash: string;
  /** The shard's --out: the coordinator writes the target's address there, load-only shards read it. */
  outDir: string;
  /** A load-only shard: the target's base URL, instead of waiting for the coordinator's file. */
  targetUrl?: string | undefined;
  faultPlaneUrl?: string | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: ((event: RunEvent) => void) | undefined;
  onRecord?: ((record: RequestRecord) => void) | undefined;
  progressIntervalMs?: number | undefined;
}

/** The load share a shard spec stands for. */
export function shareOf(shard: ShardSpec): LoadShare {
  return { index: shard.index, count: shard.count, originEpochMs: shard.startAtEpochMs };
}
