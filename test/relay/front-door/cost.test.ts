import { describe, expect, it } from 'vitest';
import { costUsd } from '../../../src/relay/front-door/cost.js';

describe('costUsd', () => {
  it.each([
    [{ promptTokens: 1_000_000, completionTokens: 0 }, { inputPerMTok: 2, outputPerMTok: 8 }, 2],
    [{ promptTokens: 0, completionTokens: 1_000_000 }, { inputPerMTok: 2, outputPerMTok: 8 }, 8],
    [{ promptTokens: 1200, completionTokens: 350 }, { inputPerMTok: 3, outputPerMTok: 15 }, 0.0036 + 0.00525],
    [{ promptTokens: 10, completionTokens: 10 }, { inputPerMTok: 0, outputPerMTok: 0 }, 0],
  ])('prices %j at %j', (usage, price, expected) => {
    expect(costUsd(usage, price)).toBeCloseTo(expected, 12);
  });

  it('is 0 when usage or price is unknown', () => {
    expect(costUsd(undefined, { inputPerMTok: 1, outputPerMTok: 1 })).toBe(0);
    expect(costUsd({ promptTokens: 5, completionTokens: 5 }, undefined)).toBe(0);
  });
});
