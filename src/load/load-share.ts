/**
 * One generator's share of a seeded schedule when several generators send it together: worker
 * threads in one process, shard processes on several machines, or both. Every generator walks
 * the whole schedule and the whole request mix; the one split rule is runOpenModel's
 * `partition` (arrival `seq` goes to the generator with `seq % count === index`), so the union of
 * the shares is exactly the single generator's load.
 */

/** A shard's share: `index` of `count`, all starting on one wall-clock instant. */
export interface LoadShare {
  index: number;
  count: number;
  /** The shared start (epoch ms); a generator that starts after it drops what it missed. */
  originEpochMs: number;
}

/**
 * The partition of thread `thread` of `threads` inside shard `shard` (default: the whole schedule):
 * thread w of shard I of N sends seq ≡ I + N·w (mod N·W), so the shard's threads together send
 * seq ≡ I (mod N), evenly spread.
 */
export function threadPartition(
  thread: number,
  threads: number,
  shard: Pick<LoadShare, 'index' | 'count'> = { index: 0, count: 1 },
): { index: number; count: number } {
  return { index: shard.index + shard.count * thread, count: shard.count * threads };
}
