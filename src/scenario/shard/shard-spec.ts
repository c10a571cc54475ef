/**
 * `run --shard I/N --start-at T [--coordinator]`, validated once: which share of the schedule this
 * generator sends, the wall-clock instant every shard starts on, and whether it is the
 * coordinator (the one that owns the target, the mocks and the fault timeline; shard 0 unless
 * told otherwise).
 */
import { ConfigInvalidError } from '../../errors.js';

export interface ShardSpec {
  index: number;
  count: number;
  /** The shared start, epoch ms: load time 0 on every shard. */
  startAtEpochMs: number;
  coordinator: boolean;
}

export interface ShardFlags {
  shard?: string | undefined;
  startAt?: string | number | undefined;
  coordinator?: boolean | undefined;
}

const MAX_SHARDS = 1024;
/** Epoch ms below this (before 2001-09-09) are almost certainly seconds. */
const EPOCH_MS_FLOOR = 1e12;

/** The shard spec, or undefined without `--shard`. @throws ConfigInvalidError naming the flag and the value. */
export function parseShardFlags(flags: ShardFlags): ShardSpec | undefined {
  if (flags.shard === undefined) {
    if (flags.startAt !== undefined) throw new ConfigInvalidError('--start-at: only with --shard I/N');
    if (flags.coordinator === true) throw new ConfigInvalidError('--coordinator: only with --shard I/N');
    return undefined;
  }
  const match = /^(\d+)\/(\d+)$/.exec(String(flags.shard).trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > MAX_SHARDS || index >= count)
    throw new ConfigInvalidError(
      `--shard: expected I/N with 0 <= I < N <= ${MAX_SHARDS} (e.g. 0/4), got ${JSON.stringify(flags.shard)}`,
    );
  if (flags.startAt === undefined)
    throw new ConfigInvalidError('--start-at: required with --shard (an ISO time or epoch ms shared by every shard)');
  return { index, count, startAtEpochMs: parseStartAt(flags.startAt), coordinator: flags.coordinator ?? index === 0 };
}

/** An ISO 8601 time with a zone (`2026-12-03T20:00:00Z`) or epoch milliseconds. */
export function parseStartAt(value: string | number): number {
  const text = String(value).trim();
  if (/^\d+$/.test(text)) {
    const ms = Number(text);
    if (ms < EPOCH_MS_FLOOR)
      throw new ConfigInvalidError(
        `--start-at: ${text} looks like epoch seconds; give epoch milliseconds or an ISO time`,
      );
    return ms;
  }
  const ms = /(Z|[+-]\d\d:?\d\d)$/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms))
    throw new ConfigInvalidError(
      `--start-at: expected an ISO time with a zone (2026-12-03T20:00:00Z) or epoch ms, got ${JSON.stringify(text)}`,
    );
  return ms;
}

/** `shard-2-of-4.json.gz`: the file a shard writes into its --out directory. */
export function shardFileName(shard: Pick<ShardSpec, 'index' | 'count'>): string {
  return `shard-${shard.index}-of-${shard.count}.json.gz`;
}
