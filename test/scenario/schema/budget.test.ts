/** A scenario's `budget:`: a positive number of US dollars, errors naming the field, the value and the line. */
import { describe, expect, it } from 'vitest';
import { ScenarioInvalidError } from '../../../src/errors.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';

const base = 'providers: [{ name: a }]\nload: { rate: 10/s, duration: 5s }\n';

function errorOf(text: string): string {
  try {
    parseScenario(text, 'b.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioInvalidError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('budget section', () => {
  it('is absent unless set, and keeps the dollars it is given', () => {
    expect(parseScenario(base, 'b.yaml').budget).toBeUndefined();
    expect(parseScenario(`${base}budget: { usd: 5 }\n`, 'b.yaml').budget).toEqual({ usd: 5 });
    expect(parseScenario(`${base}budget: { usd: 0.25 }\n`, 'b.yaml').budget).toEqual({ usd: 0.25 });
  });

  it.each([
    ['0', '0'],
    ['-5', '-5'],
    ['"5"', '"5"'],
    ['$5', '"\\$5"'],
    ['.nan', 'NaN'],
    ['.inf', 'Infinity'],
    ['null', 'null'],
  ])('rejects usd: %s, naming the field and the value', (value, shown) => {
    expect(errorOf(`${base}budget: { usd: ${value} }\n`)).toMatch(
      new RegExp(
        `b\\.yaml:3:\\d+: field 'budget\\.usd': expected a positive number of US dollars such as 5 or 0\\.25, got ${shown}`,
      ),
    );
  });

  it('requires usd and rejects other fields', () => {
    expect(errorOf(`${base}budget: {}\n`)).toMatch(
      /field 'budget\.usd': expected a positive number of US dollars.*got undefined/,
    );
    expect(errorOf(`${base}budget: { usd: 5, eur: 4 }\n`)).toMatch(/budget.*eur/);
  });
});
