/**
 * Toxic stages in isolation, on a fake clock: exact timing, ordering and byte accounting that the
 * socket-level tests can only bound loosely.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../../src/random.js';
import { findToxic, toxicTypes } from '../../src/chaos/toxics/registry.js';
import type { Attributes, StageContext, ToxicStage } from '../../src/chaos/toxics/types.js';

interface Harness {
  stage: ToxicStage;
  out: { data: string; at: number }[];
  events: string[];
  discarded: number;
  write(text: string): void;
}

function start(type: string, attributes: Record<string, number>, seed = 1, openedWithToxic = true): Harness {
  const definition = findToxic(type);
  if (!definition) throw new Error(`no toxic ${type}`);
  const harness = { out: [], events: [], discarded: 0 } as unknown as Harness;
  const ctx: StageContext = {
    random: seededRandom(seed),
    openedWithToxic,
    now: () => Date.now(),
    forward: (chunk) => harness.out.push({ data: chunk.data.toString(), at: Date.now() }),
    end: () => harness.events.push(`end@${Date.now()}`),
    discard: (bytes) => (harness.discarded += bytes),
    close: () => harness.events.push(`close@${Date.now()}`),
    reset: () => harness.events.push(`reset@${Date.now()}`),
  };
  const validated: Attributes = definition.validate({ ...definition.defaults, ...attributes });
  harness.stage = definition.create(ctx, validated);
  harness.write = (text) => harness.stage.write({ data: Buffer.from(text), at: Date.now() });
  return harness;
}

const text = (h: Harness): string => h.out.map((o) => o.data).join('');

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('registry', () => {
  it('knows every toxic type of the design, each with defaults it echoes', () => {
    expect(toxicTypes().sort()).toEqual([
      'bandwidth',
      'latency',
      'limit_data',
      'reset_peer',
      'slicer',
      'slow_close',
      'timeout',
    ]);
    expect(findToxic('down')).toBeUndefined();
  });

  it('drops unknown attributes and keeps the known ones', () => {
    expect(findToxic('latency')?.validate({ latency: 5, jitter: 1, colour: 3 })).toEqual({ latency: 5, jitter: 1 });
  });
});

describe('latency stage', () => {
  it('delays each chunk from its own arrival and ends after the last one', async () => {
    const h = start('latency', { latency: 100 });
    h.write('a');
    await vi.advanceTimersByTimeAsync(50);
    h.write('b');
    h.stage.end();
    await vi.advanceTimersByTimeAsync(49);
    expect(h.out).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.out).toEqual([{ data: 'a', at: 100 }]);
    expect(h.events).toEqual([]);
    await vi.advanceTimersByTimeAsync(50);
    expect(h.out).toEqual([
      { data: 'a', at: 100 },
      { data: 'b', at: 150 },
    ]);
    expect(h.events).toEqual(['end@150']);
  });

  it('draws jitter per chunk within [latency - jitter, latency + jitter), reproducibly, and never reorders', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const h = start('latency', { latency: 100, jitter: 40 }, seed);
      for (let i = 0; i < 50; i++) h.write(`${i},`);
      await vi.advanceTimersByTimeAsync(200);
      expect(text(h)).toBe(Array.from({ length: 50 }, (_, i) => `${i},`).join(''));
      return h.out.map((o) => o.at);
    };
    const first = await run(7);
    expect(await run(7)).toEqual(first.map((at) => at + 200)); // same seed, same delays (clock moved on)
    // In order, so each release is at least the previous one; the first is within the band.
    expect(first[0]).toBeGreaterThanOrEqual(60);
    expect(Math.max(...first)).toBeLessThan(140);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('releases everything it holds, in order, when interrupted', () => {
    const h = start('latency', { latency: 10_000 });
    h.write('x');
    h.write('y');
    h.stage.interrupt();
    expect(text(h)).toBe('xy');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('reset_peer stage', () => {
  it('waits for the first data, swallows it and what follows, and resets the timeout after it', async () => {
    const h = start('reset_peer', { timeout: 100 });
    await vi.advanceTimersByTimeAsync(1000); // idle: the timer has not started
    expect(h.events).toEqual([]);
    h.write('first');
    await vi.advanceTimersByTimeAsync(50);
    h.write('more');
    expect(h.out).toEqual([]);
    expect(h.discarded).toBe(9);
    await vi.advanceTimersByTimeAsync(49);
    expect(h.events).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.events).toEqual(['reset@1100']);
  });

  it('on a connection that was open before the toxic was added, closes (FIN) instead of resetting', async () => {
    const h = start('reset_peer', { timeout: 100 }, 1, false);
    h.write('x');
    await vi.advanceTimersByTimeAsync(100);
    expect(h.events).toEqual(['close@100']);
  });

  it('the end of the stream starts the timer too, and is swallowed', async () => {
    const h = start('reset_peer', { timeout: 100 });
    h.stage.end();
    await vi.advanceTimersByTimeAsync(100);
    expect(h.events).toEqual(['reset@100']);
  });

  it('with timeout 0 resets right after the first data, before any timer could fire', async () => {
    const h = start('reset_peer', { timeout: 0 });
    await Promise.resolve();
    expect(h.events).toEqual([]);
    h.write('x');
    await Promise.resolve();
    expect(h.events).toEqual(['reset@0']);
    expect(h.out).toEqual([]);
  });

  it('interrupted before any data, does nothing; after data was swallowed, ends the connection at once', async () => {
    const spared = start('reset_peer', { timeout: 100 });
    spared.stage.interrupt();
    await vi.advanceTimersByTimeAsync(500);
    expect(spared.events).toEqual([]);

    const doomed = start('reset_peer', { timeout: 100 });
    doomed.write('x');
    doomed.stage.interrupt();
    expect(doomed.events).toEqual(['reset@500']);
    await vi.advanceTimersByTimeAsync(500);
    expect(doomed.events).toEqual(['reset@500']);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('timeout stage', () => {
  it('drops data and closes after the timeout', async () => {
    const h = start('timeout', { timeout: 100 });
    h.write('lost');
    expect(h.out).toEqual([]);
    expect(h.discarded).toBe(4);
    await vi.advanceTimersByTimeAsync(100);
    expect(h.events).toEqual(['close@100']);
  });

  it('with 0 never closes by itself, but closes on removal', async () => {
    const h = start('timeout', { timeout: 0 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.events).toEqual([]);
    h.stage.remove?.();
    expect(h.events).toEqual(['close@60000']);
  });
});

describe('bandwidth stage', () => {
  it('paces bytes at the rate, in 100 ms slices, delivering all of them', async () => {
    const h = start('bandwidth', { rate: 10 }); // 10 KB/s = 10 bytes per ms
    h.write('a'.repeat(1000) + 'b'.repeat(1000) + 'c'.repeat(500));
    await vi.advanceTimersByTimeAsync(99);
    expect(h.out).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.out.map((o) => [o.data.length, o.at])).toEqual([[1000, 100]]);
    await vi.advanceTimersByTimeAsync(150);
    expect(h.out.map((o) => [o.data.length, o.at])).toEqual([
      [1000, 100],
      [1000, 200],
      [500, 250],
    ]);
  });
});

describe('slicer stage', () => {
  it('cuts into pieces of about average ± variation, delay apart, keeping every byte', async () => {
    const h = start('slicer', { average_size: 10, size_variation: 3, delay: 2000 });
    const payload = Array.from({ length: 100 }, (_, i) => String.fromCharCode(65 + (i % 26))).join('');
    h.write(payload);
    await vi.advanceTimersByTimeAsync(1000);
    expect(text(h)).toBe(payload);
    for (const piece of h.out) {
      expect(piece.data.length).toBeGreaterThanOrEqual(1);
      expect(piece.data.length).toBeLessThanOrEqual(13);
    }
    expect(h.out.length).toBeGreaterThanOrEqual(8);
    const gaps = h.out.slice(1).map((o, i) => o.at - (h.out[i] as { at: number }).at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2);
  });
});

describe('slow_close stage', () => {
  it('passes data at once and the end only after the delay', async () => {
    const h = start('slow_close', { delay: 300 });
    h.write('data');
    h.stage.end();
    expect(text(h)).toBe('data');
    await vi.advanceTimersByTimeAsync(299);
    expect(h.events).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.events).toEqual(['end@300']);
  });
});

describe('limit_data stage', () => {
  it('passes exactly the limit, drops the rest, then closes; an update keeps the count', () => {
    const h = start('limit_data', { bytes: 10 });
    h.write('123456');
    expect(h.events).toEqual([]);
    h.stage.update?.({ bytes: 12 });
    h.write('789abcdef');
    expect(text(h)).toBe('123456789abc');
    expect(h.discarded).toBe(3);
    expect(h.events).toEqual(['close@0']);
  });
});
