/**
 * The shards of a merged run as its result.json and report show them: per shard its share, how
 * it kept the schedule and when it really started, and the spread of those start offsets (each
 * measured on the shard's own clock: the shards' clocks themselves must agree, by NTP).
 */

export interface ShardLine {
  index: number;
  coordinator: boolean;
  hostname: string;
  scheduled: number;
  /** Sent to the target: scheduled minus dropped (missed arrivals and full in-flight). */
  sent: number;
  ok: number;
  failed: number;
  dropped: number;
  /** Of the dropped, those due before this shard started (it was late). */
  missed: number;
  startOffsetMs: number;
  readyLeadMs: number;
  lagP50Ms: number | undefined;
  lagP99Ms: number | undefined;
  lagMaxMs: number | undefined;
  loadAverage: number[];
}

export interface ShardsSummary {
  count: number;
  startAt: string;
  /** Latest minus earliest start offset over the shards, ms. */
  startSpreadMs: number;
  shards: ShardLine[];
}
