import { describe, expect, it } from 'vitest';
import { orderCandidates, type CandidateView } from '../../../src/relay/routing/select.js';
import { prepareTargets, type RelayTarget } from '../../../src/relay/target.js';

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const view = (
  scores: Record<string, number> = {},
  down: string[] = [],
  shares: Record<string, number> = {},
): CandidateView => ({
  available: (t) => !down.includes(t.name),
  share: (t) => shares[t.name] ?? 1,
  score: (t) => scores[t.name] ?? 0,
});
const names = (targets: RelayTarget[]): string[] => targets.map((t) => t.name);
const firsts = (targets: RelayTarget[], v: CandidateView, runs: number): Record<string, number> => {
  const random = prng(7);
  const counts: Record<string, number> = {};
  for (let i = 0; i < runs; i++) {
    const first = orderCandidates(targets, v, random, 0)[0]!.name;
    counts[first] = (counts[first] ?? 0) + 1;
  }
  return counts;
};

describe('orderCandidates', () => {
  const chain = prepareTargets(
    [
      { name: 'a', baseUrl: 'http://a/v1' },
      { name: 'b', baseUrl: 'http://b/v1' },
      { name: 'c', baseUrl: 'http://c/v1' },
    ],
    {},
  );

  it('keeps priority order and leaves unavailable targets out', () => {
    expect(names(orderCandidates(chain, view(), Math.random, 0))).toEqual(['a', 'b', 'c']);
    expect(names(orderCandidates(chain, view({}, ['a']), Math.random, 0))).toEqual(['b', 'c']);
    expect(orderCandidates(chain, view({}, ['a', 'b', 'c']), Math.random, 0)).toEqual([]);
  });

  it('moves a ramping target to the end with probability 1 - share', () => {
    const counts = firsts(chain, view({}, [], { a: 0.1 }), 2_000);
    expect(counts['a']! / 2_000).toBeGreaterThan(0.06);
    expect(counts['a']! / 2_000).toBeLessThan(0.14);
    const random = prng(1);
    let deferred: string[] | undefined;
    while (deferred === undefined) {
      const order = names(orderCandidates(chain, view({}, [], { a: 0.1 }), random, 0));
      if (order[0] !== 'a') deferred = order;
    }
    expect(deferred).toEqual(['b', 'c', 'a']);
  });

  const group = prepareTargets(
    [
      { name: 'fast', baseUrl: 'http://f/v1', priority: 0 },
      { name: 'slow', baseUrl: 'http://s/v1', priority: 0 },
      { name: 'backup', baseUrl: 'http://b/v1', priority: 1 },
    ],
    {},
  );

  it('P2C puts the clearly faster target of a group first, the next group after', () => {
    const counts = firsts(group, view({ fast: 100, slow: 400, backup: 1 }), 500);
    expect(counts).toEqual({ fast: 500 });
    expect(names(orderCandidates(group, view({ fast: 100, slow: 400 }), Math.random, 0))).toEqual([
      'fast',
      'slow',
      'backup',
    ]);
  });

  it('honours weights between targets of similar score', () => {
    const weighted = prepareTargets(
      [
        { name: 'heavy', baseUrl: 'http://h/v1', priority: 0, weight: 3 },
        { name: 'light', baseUrl: 'http://l/v1', priority: 0, weight: 1 },
      ],
      {},
    );
    const counts = firsts(weighted, view({ heavy: 100, light: 105 }), 4_000);
    expect(counts['heavy']! / 4_000).toBeGreaterThan(0.7);
    expect(counts['heavy']! / 4_000).toBeLessThan(0.8);
  });

  it('spreads a bigger group by P2C: the slowest of four is rarely first', () => {
    const four = prepareTargets(
      ['w', 'x', 'y', 'z'].map((name) => ({ name, baseUrl: `http://${name}/v1`, priority: 0 })),
      {},
    );
    const counts = firsts(four, view({ w: 100, x: 200, y: 300, z: 400 }), 4_000);
    expect(counts['z'] ?? 0).toBe(0); // z only wins a pair against nobody
    expect(counts['w']!).toBeGreaterThan(counts['x']!);
    expect(counts['x']!).toBeGreaterThan(counts['y']!);
  });
});
