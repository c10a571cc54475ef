import { describe, expect, it } from 'vitest';
import { KeyPool } from '../../../src/relay/policies/key-pool.js';

const ENVS = ['K0', 'K1', 'K2'];

describe('KeyPool', () => {
  it('least-used: fewest in flight, then the key picked longest ago', () => {
    const pool = new KeyPool('p', ENVS, 'least-used');
    const first = [pool.pick(0), pool.pick(0), pool.pick(0)];
    expect(first.sort()).toEqual([0, 1, 2]);
    pool.release(1);
    expect(pool.pick(0)).toBe(1); // the only key with nothing in flight
    pool.release(0);
    pool.release(1);
    pool.release(2);
    // All idle: the one picked longest ago (0 or 2, whichever came first, then the other).
    const next = [pool.pick(0), pool.pick(0), pool.pick(0)];
    expect(new Set(next).size).toBe(3);
    expect(next[2]).toBe(1); // key 1 was picked last
  });

  it('round-robin: in turn, skipping keys cooling down or out of the pool', () => {
    const pool = new KeyPool('p', ENVS, 'round-robin');
    expect([pool.pick(0), pool.pick(0), pool.pick(0), pool.pick(0)]).toEqual([0, 1, 2, 0]);
    pool.coolDown(1, 1_000, 0);
    pool.revoke(2, 'HTTP 401');
    expect([pool.pick(10), pool.pick(10)]).toEqual([0, 0]);
    expect(pool.pick(1_000)).toBe(1); // the cooldown ended
  });

  it('a pick excludes the keys this attempt tried; -1 when none is left', () => {
    const pool = new KeyPool('p', ENVS, 'least-used');
    expect(pool.pick(0, 0b011)).toBe(2);
    expect(pool.pick(0, 0b111)).toBe(-1);
  });

  it('waitMs: 0 with a usable key, the soonest cooldown end, Infinity when all are out', () => {
    const pool = new KeyPool('p', ENVS, 'least-used');
    expect(pool.waitMs(0)).toBe(0);
    pool.coolDown(0, 500, 0);
    pool.coolDown(1, 300, 0);
    pool.coolDown(1, 100, 0); // a shorter cooldown never cuts a longer one
    pool.revoke(2, 'HTTP 402');
    expect(pool.waitMs(0)).toBe(300);
    expect(pool.pick(0)).toBe(-1);
    expect(pool.waitMs(400)).toBe(0);
    pool.revoke(0, 'HTTP 401');
    pool.revoke(1, 'HTTP 403');
    expect(pool.waitMs(10_000)).toBe(Infinity);
  });

  it('tells its listeners of each 429 and of a revocation once, and shows states without values', () => {
    const revoked: string[] = [];
    let limited = 0;
    const pool = new KeyPool('p', ENVS, 'least-used', {
      revoked: (provider, key, env, reason) => revoked.push(`${provider} ${key} ${env} ${reason}`),
      rateLimited: () => limited++,
    });
    pool.revoke(1, 'HTTP 401');
    pool.revoke(1, 'HTTP 401');
    pool.coolDown(2, 1_500, 0);
    pool.coolDown(2, 1_500, 0);
    expect(revoked).toEqual(['p 1 K1 HTTP 401']);
    expect(limited).toBe(2);
    expect(pool.status(500)).toEqual([
      { key: 0, env: 'K0', state: 'active' },
      { key: 1, env: 'K1', state: 'revoked', reason: 'HTTP 401' },
      { key: 2, env: 'K2', state: 'cooling', remainingMs: 1_000 },
    ]);
  });

  it('probes a revoked key once after probeAfterMs: refused, out again; inconclusive, probed again; served, back', () => {
    const readmitted: number[] = [];
    const pool = new KeyPool('p', ['A', 'B'], 'round-robin', { readmitted: (_p, key) => readmitted.push(key) }, 100);
    pool.revoke(1, 'HTTP 401', 0);
    pool.revoke(0, 'HTTP 401', 0);
    expect(pool.waitMs(50)).toBe(50); // the soonest probe
    expect(pool.pick(99)).toBe(-1);
    const probe = pool.pick(100);
    expect(probe).toBe(0);
    expect(pool.pick(100, 1 << probe)).toBe(1); // key 1 is due too
    pool.revoke(1, 'HTTP 401', 100); // its probe was refused: out for another period
    expect(pool.pick(150, 1 << probe)).toBe(-1); // key 0's probe is still in flight: not handed out twice
    pool.release(probe);
    pool.probeEnded(probe, false); // a 5xx: proves nothing, probed again at the next pick
    expect(pool.pick(150)).toBe(0);
    pool.release(0);
    pool.probeEnded(0, true);
    expect(readmitted).toEqual([0]);
    expect(pool.status(150).map((k) => k.state)).toEqual(['active', 'revoked']);
    expect(pool.status(150)[1]).toMatchObject({ probeInMs: 50 });
  });

  it('refuses an empty or oversized pool, naming the provider', () => {
    expect(() => new KeyPool('acme', [], 'least-used')).toThrow(/provider acme: apiKeyEnvs: expected 1\.\.31/);
    const many = Array.from({ length: 32 }, (_, i) => `K${i}`);
    expect(() => new KeyPool('acme', many, 'least-used')).toThrow(/got 32/);
  });
});
