import { describe, expect, it } from 'vitest';
import {
  breakerDefaults,
  CircuitBreaker,
  validateBreakerOptions,
  type BreakerOptions,
} from '../../../src/relay/policies/circuit-breaker.js';
import { createPolicyEvents, type BreakerEvent } from '../../../src/relay/policies/events.js';

function setup(options: Partial<BreakerOptions> = {}) {
  let now = 0;
  const events = createPolicyEvents();
  const transitions: BreakerEvent[] = [];
  events.on('breaker', (event) => transitions.push(event));
  const breaker = new CircuitBreaker(
    'a',
    validateBreakerOptions({ ...breakerDefaults, ...options }),
    () => now,
    events,
  );
  const call = (result: 'success' | 'failure' | 'ignore') => {
    const ticket = breaker.acquire();
    expect(ticket).toBeDefined();
    breaker.release(ticket!, result);
  };
  return {
    breaker,
    transitions,
    call,
    advance: (ms: number) => (now += ms),
    path: () => transitions.map((e) => `${e.from}->${e.to}@${e.at}`),
  };
}

describe('CircuitBreaker', () => {
  it("takes a late verdict (a stream's end) after its ticket was released without one", () => {
    const { breaker, call, advance, path } = setup({
      consecutiveFailures: 2,
      openMs: 100,
      halfOpenSuccesses: 1,
      rampMs: 0,
    });
    call('ignore'); // the stream started
    breaker.record('failure'); // ... and was cut
    call('ignore');
    breaker.record('failure');
    expect(breaker.state.kind).toBe('open');
    advance(100);
    call('ignore'); // a probe stream started (its slot is free again at once)
    expect(breaker.state.kind).toBe('halfOpen');
    breaker.record('success'); // ... and completed
    expect(path()).toEqual(['closed->open@0', 'open->halfOpen@100', 'halfOpen->closed@100']);
  });

  it('trips after N consecutive failures; a success resets the run', () => {
    const { breaker, call } = setup({ consecutiveFailures: 3, minimumVolume: 1_000 });
    call('failure');
    call('failure');
    call('success');
    call('failure');
    call('failure');
    expect(breaker.state.kind).toBe('closed');
    call('failure');
    expect(breaker.state).toEqual({ kind: 'open', openedAt: 0 });
    expect(breaker.acquire()).toBeUndefined();
  });

  it('trips on the failure rate over the window once the volume is reached', () => {
    const { breaker, call } = setup({ consecutiveFailures: 100, minimumVolume: 10, failureRate: 0.5 });
    for (let i = 0; i < 4; i++) {
      call('success');
      call('failure');
    }
    expect(breaker.state.kind).toBe('closed'); // 4/8: under the minimum volume
    call('success');
    call('failure'); // 5/10 = 50%
    expect(breaker.state.kind).toBe('open');
  });

  it('forgets failures that slid out of the window', () => {
    const { breaker, call, advance } = setup({
      consecutiveFailures: 100,
      minimumVolume: 4,
      failureRate: 0.5,
      windowMs: 1_000,
    });
    call('failure');
    call('failure');
    call('failure');
    advance(1_500);
    call('success');
    call('success');
    call('success');
    call('failure'); // only 1 of 4 in the window
    expect(breaker.state.kind).toBe('closed');
  });

  it('goes closed -> open -> halfOpen -> closed with limited probes, then ramps up', () => {
    const { breaker, call, advance, path } = setup({
      consecutiveFailures: 2,
      openMs: 1_000,
      halfOpenProbes: 1,
      halfOpenSuccesses: 2,
      rampMs: 10_000,
      rampStartShare: 0.1,
    });
    call('failure');
    call('failure');
    advance(999);
    expect(breaker.acquire()).toBeUndefined();
    expect(breaker.openRemainingMs()).toBe(1);
    advance(1);
    const probe = breaker.acquire();
    expect(probe).toMatchObject({ kind: 'halfOpen', probesInFlight: 1 });
    expect(breaker.acquire()).toBeUndefined(); // one probe at a time
    expect(breaker.wouldAdmit()).toBe(false);
    breaker.release(probe!, 'success');
    expect(breaker.state.kind).toBe('halfOpen');
    call('success');
    expect(breaker.state.kind).toBe('closed');
    expect(path()).toEqual(['closed->open@0', 'open->halfOpen@1000', 'halfOpen->closed@1000']);
    expect(breaker.share()).toBeCloseTo(0.1);
    advance(5_000);
    expect(breaker.share()).toBeCloseTo(0.55);
    advance(5_000);
    expect(breaker.share()).toBe(1);
    advance(5_000);
    expect(breaker.share()).toBe(1);
  });

  it('reopens when a probe fails, and a probe ignored frees its slot', () => {
    const { breaker, call, advance, path } = setup({ consecutiveFailures: 1, openMs: 100 });
    call('failure');
    advance(100);
    const ignored = breaker.acquire()!;
    breaker.release(ignored, 'ignore');
    expect(breaker.state).toMatchObject({ kind: 'halfOpen', probesInFlight: 0 });
    call('failure');
    expect(breaker.state).toEqual({ kind: 'open', openedAt: 100 });
    expect(path()).toEqual(['closed->open@0', 'open->halfOpen@100', 'halfOpen->open@100']);
  });

  it('drops results that belong to a previous state', () => {
    const { breaker, call, advance } = setup({ consecutiveFailures: 1, openMs: 100, halfOpenSuccesses: 1 });
    const stale = breaker.acquire()!; // taken while closed, answered much later
    call('failure');
    advance(100);
    call('success'); // halfOpen -> closed: a new closed state
    breaker.release(stale, 'failure');
    expect(breaker.state.kind).toBe('closed');
    expect(breaker.state).not.toBe(stale);
  });

  it('full share when it never tripped, and none of the ramp when rampMs is 0', () => {
    const never = setup();
    expect(never.breaker.share()).toBe(1);
    const { breaker, call, advance } = setup({ consecutiveFailures: 1, openMs: 10, halfOpenSuccesses: 1, rampMs: 0 });
    call('failure');
    advance(10);
    call('success');
    expect(breaker.share()).toBe(1);
  });

  it('takes health checks: a failure counts, a success lets an open breaker probe early', () => {
    const { breaker, path } = setup({ consecutiveFailures: 2, openMs: 60_000 });
    breaker.recordHealth(false);
    breaker.recordHealth(false);
    expect(breaker.state.kind).toBe('open');
    breaker.recordHealth(true);
    expect(breaker.state.kind).toBe('halfOpen');
    breaker.recordHealth(false);
    expect(breaker.state.kind).toBe('open');
    expect(path()).toEqual(['closed->open@0', 'open->halfOpen@0', 'halfOpen->open@0']);
  });

  it.each<[Partial<BreakerOptions>, RegExp]>([
    [{ consecutiveFailures: 0 }, /breaker\.consecutiveFailures: expected an integer >= 1, got 0/],
    [{ failureRate: 1.5 }, /breaker\.failureRate: expected a number in \(0, 1\], got 1\.5/],
    [{ openMs: -1 }, /breaker\.openMs: expected a number > 0, got -1/],
    [{ rampMs: Number.NaN }, /breaker\.rampMs/],
    [{ halfOpenProbes: 1.5 }, /breaker\.halfOpenProbes/],
  ])('rejects invalid options %o', (options, message) => {
    expect(() => validateBreakerOptions({ ...breakerDefaults, ...options })).toThrow(message);
  });
});
