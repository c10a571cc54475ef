/** Expansion of faults into timeline entries: providers x repetitions x ramp steps. */
import { describe, expect, it } from 'vitest';
import { lastOnsetMs, planFaults, type PlannedFault } from '../../../src/scenario/plan/fault-plan.js';
import type { FaultSpec } from '../../../src/scenario/schema/fault-schema.js';

function spec(overrides: Partial<FaultSpec>): FaultSpec {
  return {
    type: 'down',
    kind: 'down',
    providers: ['a'],
    at: 1000,
    for: 2000,
    rate: 1,
    stream: 'downstream',
    attributes: {},
    ...overrides,
  };
}

/** [provider, atMs, forMs] per entry. */
const windows = (planned: PlannedFault[]) => planned.map((e) => [e.provider, e.atMs, e.forMs]);
const latencies = (planned: PlannedFault[]) =>
  planned.map((e) => (e.plane === 'proxy' ? e.request.attributes.latency : undefined));

describe('planFaults', () => {
  it.each<[string, FaultSpec[], Array<[string, number, number]>]>([
    ['one fault, one window', [spec({})], [['a', 1000, 2000]]],
    [
      'several providers at once',
      [spec({ providers: ['a', 'b'] })],
      [
        ['a', 1000, 2000],
        ['b', 1000, 2000],
      ],
    ],
    [
      'repeat every',
      [spec({ repeat: { every: 5000, times: 3 } })],
      [
        ['a', 1000, 2000],
        ['a', 6000, 2000],
        ['a', 11_000, 2000],
      ],
    ],
    [
      'flapping (on 3s, off 7s -> every 10s)',
      [spec({ for: 3000, repeat: { every: 10_000, times: 2 } })],
      [
        ['a', 1000, 3000],
        ['a', 11_000, 3000],
      ],
    ],
    [
      'back-to-back repetitions',
      [spec({ repeat: { every: 2000, times: 2 } })],
      [
        ['a', 1000, 2000],
        ['a', 3000, 2000],
      ],
    ],
    [
      'entries ordered by onset across faults, scenario order at ties',
      [spec({ providers: ['b'], at: 5000 }), spec({ providers: ['a'], at: 1000, repeat: { every: 4000, times: 2 } })],
      [
        ['a', 1000, 2000],
        ['b', 5000, 2000],
        ['a', 5000, 2000],
      ],
    ],
    [
      'repetitions times providers',
      [spec({ providers: ['a', 'b'], repeat: { every: 3000, times: 2 } })],
      [
        ['a', 1000, 2000],
        ['b', 1000, 2000],
        ['a', 4000, 2000],
        ['b', 4000, 2000],
      ],
    ],
  ])('%s', (_name, faults, expected) => {
    expect(windows(planFaults(faults))).toEqual(expected);
  });

  it.each<[string, FaultSpec, Array<[string, number, number]>, number[]]>([
    [
      'latency ramp: equal steps covering the window, first step at `latency`, last at `to`',
      spec({
        type: 'latency',
        kind: 'latency',
        at: 0,
        for: 8000,
        attributes: { latency: 500, jitter: 20 },
        ramp: { to: 2000, steps: 4 },
      }),
      [
        ['a', 0, 2000],
        ['a', 2000, 2000],
        ['a', 4000, 2000],
        ['a', 6000, 2000],
      ],
      [500, 1000, 1500, 2000],
    ],
    [
      'a ramp that does not divide evenly leaves no gap',
      spec({
        type: 'latency',
        kind: 'latency',
        at: 100,
        for: 1000,
        attributes: { latency: 0, jitter: 0 },
        ramp: { to: 100, steps: 3 },
      }),
      [
        ['a', 100, 333],
        ['a', 433, 334],
        ['a', 767, 333],
      ],
      [0, 50, 100],
    ],
    [
      'a falling ramp, repeated',
      spec({
        type: 'latency',
        kind: 'latency',
        at: 0,
        for: 2000,
        attributes: { latency: 900, jitter: 0 },
        ramp: { to: 100, steps: 2 },
        repeat: { every: 5000, times: 2 },
      }),
      [
        ['a', 0, 1000],
        ['a', 1000, 1000],
        ['a', 5000, 1000],
        ['a', 6000, 1000],
      ],
      [900, 100, 900, 100],
    ],
  ])('%s', (_name, fault, expectedWindows, expectedLatencies) => {
    const planned = planFaults([fault]);
    expect(windows(planned)).toEqual(expectedWindows);
    expect(latencies(planned)).toEqual(expectedLatencies);
    expect(planned.every((e) => e.plane === 'proxy' && e.request.attributes.jitter === fault.attributes.jitter)).toBe(
      true,
    );
  });

  it('records where each entry came from and keeps the type as written', () => {
    const planned = planFaults([
      spec({ type: 'reset_peer', kind: 'reset', attributes: { timeout: 0 }, repeat: { every: 3000, times: 2 } }),
    ]);
    expect(planned.map((e) => [e.type, e.source])).toEqual([
      ['reset_peer', { fault: 0, repetition: 0, step: 0 }],
      ['reset_peer', { fault: 0, repetition: 1, step: 0 }],
    ]);
    expect(planned[0]).toMatchObject({ plane: 'proxy', request: { type: 'reset_peer', attributes: { timeout: 0 } } });
  });

  it('turns HTTP faults into mock control API requests', () => {
    const [entry] = planFaults([
      spec({ type: 'http_status', kind: 'http_status', rate: 0.3, attributes: { status: 429, retry_after: 2 } }),
    ]);
    expect(entry).toMatchObject({
      plane: 'mock',
      request: { kind: 'http_status', status: 429, retryAfter: 2, rate: 0.3 },
    });
  });

  // When the last window begins: what the schema checks against the load's end (a window may end after it).
  it.each([
    [spec({}), 1000],
    [spec({ repeat: { every: 5000, times: 3 } }), 11_000],
    [spec({ at: 0, for: 500, repeat: { every: 500, times: 4 } }), 1500],
    [spec({ type: 'latency', kind: 'latency', ramp: { to: 800, steps: 4 } }), 2500],
  ])('lastOnsetMs %#', (fault, onset) => {
    expect(lastOnsetMs(fault)).toBe(onset);
  });
});
