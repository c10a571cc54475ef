/**
 * Which replica of a fleet an arrival goes to. `round_robin` (default): arrival `seq` goes to
 * replica `seq % count`, so every replica gets an equal share in order. `random`: a seeded draw per
 * arrival, the same for a given seed and `seq` in any thread (worker threads agree without talking).
 * Pure; decided by `seq` alone, never by how the target answered.
 */
import { deriveSeed, seededRandom } from '../random.js';

export const SPREADS = ['round_robin', 'random'] as const;
export type Spread = (typeof SPREADS)[number];

/** A chooser `seq -> replica index` for `count` replicas. */
export function replicaChooser(spread: Spread, count: number, seed: number): (seq: number) => number {
  if (count <= 1) return () => 0;
  switch (spread) {
    case 'round_robin':
      return (seq) => seq % count;
    case 'random': {
      const base = deriveSeed(seed, 'replica-spread');
      // One draw from a generator seeded by (seed, seq): independent of the order arrivals are seen in.
      return (seq) => Math.floor(seededRandom((base ^ Math.imul(seq + 1, 0x9e3779b1)) >>> 0)() * count);
    }
    default: {
      const never: never = spread;
      throw new Error(`unknown spread ${String(never)}`);
    }
  }
}
