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

  it('counts unread bodies apart from in-flight slots and sheds at the start when either is full', () => {
    const bulkhead = new Bulkhead({ limit: 1, retryAfterS: 1, maxUnread: 2 });
    expect(bulkhead.tryStartReading()).toBeUndefined();
    expect(bulkhead.tryStartReading()).toBeUndefined();
    expect(bulkhead.tryStartReading()).toBe('unread_bodies');
    expect([bulkhead.unread, bulkhead.inFlight]).toEqual([2, 0]);
    expect(bulkhead.bodyRead()).toBe(true); // the first body arrived: it takes the only slot
    expect(bulkhead.tryStartReading()).toBe('overload'); // in-flight full: shed before reading
    expect(bulkhead.bodyRead()).toBe(false); // the second body arrived with no slot free
    expect([bulkhead.unread, bulkhead.inFlight]).toEqual([0, 1]);
    bulkhead.release();
    expect(bulkhead.tryStartReading()).toBeUndefined();
    bulkhead.abandonRead();
    expect([bulkhead.unread, bulkhead.inFlight]).toEqual([0, 0]);
  });

  it.each([
    [{ limit: 1, retryAfterS: 1, maxUnread: 0 }, 'bulkhead maxUnread: expected an integer >= 1, got 0'],
    [{ limit: 0, retryAfterS: 1 }, 'bulkhead limit: expected an integer >= 1, got 0'],
    [{ limit: 1.5, retryAfterS: 1 }, 'bulkhead limit: expected an integer >= 1, got 1.5'],
    [{ limit: 1, retryAfterS: -1 }, 'bulkhead retryAfterS: expected an integer >= 0, got -1'],
  ])('validates %j', (options, message) => {
    expect(() => new Bulkhead(options)).toThrow(message);
  });
});
