import { describe, expect, it } from 'vitest';
import { CooldownRegistry } from '../../../src/relay/policies/cooldown.js';
import { createPolicyEvents, type CooldownEvent } from '../../../src/relay/policies/events.js';

function setup() {
  let now = 1_000;
  const events = createPolicyEvents();
  const seen: CooldownEvent[] = [];
  events.on('cooldown', (event) => seen.push(event));
  const registry = new CooldownRegistry({ now: () => now, events });
  return { registry, seen, advance: (ms: number) => (now += ms), at: () => now };
}

describe('CooldownRegistry', () => {
  it('cools a target down for exactly the given time', () => {
    const { registry, advance } = setup();
    registry.coolDown('a', 2_000, 'status_429');
    expect(registry.isCooling('a')).toBe(true);
    expect(registry.remainingMs('a')).toBe(2_000);
    advance(1_999);
    expect(registry.isCooling('a')).toBe(true);
    expect(registry.remainingMs('a')).toBe(1);
    advance(1);
    expect(registry.isCooling('a')).toBe(false);
    expect(registry.remainingMs('a')).toBe(0);
    expect(registry.isCooling('b')).toBe(false);
  });

  it('emits a cooldown event with its end and reason', () => {
    const { registry, seen } = setup();
    registry.coolDown('a', 500, 'status_5xx');
    expect(seen).toEqual([{ type: 'cooldown', target: 'a', untilMs: 1_500, reason: 'status_5xx', at: 1_000 }]);
  });

  it('never lets a shorter cooldown cut a longer one, but extends it', () => {
    const { registry, seen, advance } = setup();
    registry.coolDown('a', 5_000, 'status_429');
    advance(1_000);
    expect(registry.coolDown('a', 1_000, 'status_429')).toBe(6_000);
    expect(registry.remainingMs('a')).toBe(4_000);
    expect(seen).toHaveLength(1);
    registry.coolDown('a', 10_000, 'status_429');
    expect(registry.remainingMs('a')).toBe(10_000);
    expect(seen).toHaveLength(2);
  });

  it('can be cleared early', () => {
    const { registry } = setup();
    registry.coolDown('a', 5_000, 'manual');
    registry.clear('a');
    expect(registry.isCooling('a')).toBe(false);
  });
});
