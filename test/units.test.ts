import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseRatePerSecond } from '../src/units.js';

describe('units', () => {
  it.each([
    ['250ms', 250],
    ['8s', 8000],
    ['1.5m', 90_000],
    ['1h', 3_600_000],
    ['500us', 0.5],
    [' 2 s ', 2000],
  ])('duration %s = %d ms', (text, ms) => expect(parseDurationMs(text)).toBeCloseTo(ms, 9));

  it.each(['8', '8sec', '-1s', 's', '1,5s', ''])('duration %j is malformed', (text) =>
    expect(parseDurationMs(text)).toBeUndefined(),
  );

  it.each([
    ['50/s', 50],
    ['3000/m', 50],
    ['7200/h', 2],
    [12, 12],
  ] as const)('rate %s = %d/s', (text, perSecond) => expect(parseRatePerSecond(text)).toBeCloseTo(perSecond, 9));

  it.each(['50', '50/d', 'fast'])('rate %j is malformed', (text) => expect(parseRatePerSecond(text)).toBeUndefined());
});
