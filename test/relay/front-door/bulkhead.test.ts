import { describe, expect, it } from 'vitest';
import { Bulkhead } from '../../../src/relay/front-door/bulkhead.js';

describe('Bulkhead', () => {
  it('admits up to the limit, refuses beyond it, and admits again after a release', () => {
    const bulkhead = new Bulkhead({ limit: 2, retryAfterS: 3 });
    expect(bulkhead.tryAcquire()).toBe(true);
    expect(bulkhead.tryAcquire()).toBe(true);
    expect(bulkhead.tryAcquire()).toBe(false);
    expect(bulkhead.tryAcquire()).toBe(false);
    expect(bulkhead.inFlight).toBe(2);
    bulkhead.release();
    expect(bulkhead.inFlight).toBe(1);
    expect(bulkhead.tryAcquire()).toBe(true);
    expect(bulkhead.retryAfter).toBe('3');
  });

  it('does not count below zero on a stray release', () => {
    const bulkhead = new Bulkhead({ limit: 1, retryAfterS: 1 });
    bulkhead.release();
    expect(bulkhead.inFlight).toBe(0);
    expect(bulkhead.tryAcquire()).toBe(true);
    expect(bulkhead.tryAcquire()).toBe(false);
  });

  it.each([
    [{ limit: 0, retryAfterS: 1 }, 'bulkhead limit: expected an integer >= 1, got 0'],
    [{ limit: 1.5, retryAfterS: 1 }, 'bulkhead limit: expected an integer >= 1, got 1.5'],
    [{ limit: 1, retryAfterS: -1 }, 'bulkhead retryAfterS: expected an integer >= 0, got -1'],
  ])('validates %j', (options, message) => {
    expect(() => new Bulkhead(options)).toThrow(message);
  });
});
