/** A scenario's `report:` section and the price books it names: read at load time, errors by field and line. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioInvalidError } from '../../../src/errors.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';
import { readPriceBook } from '../../../src/scenario/schema/price-books.js';
import { formatCount, parseCount } from '../../../src/units.js';

const base = 'providers: [{ name: a }]\nload: { rate: 10/s, duration: 5s }\n';

function errorOf(text: string, file = 'r.yaml'): string {
  try {
    parseScenario(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioInvalidError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('report section', () => {
  it('reads named books from fixtures/prices and relative files next to the scenario', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-prices-'));
    writeFileSync(
      join(dir, 'mine.yaml'),
      'name: mine\nkind: relay\nmodels:\n  gpt-4.1-mini: { input: 0.1, output: 0.2, source: quote, date: 2026-11-01 }\n',
    );
    const scenario = parseScenario(
      `${base}report:\n  price_books: [list-2026, ./mine.yaml]\n  monthly_tokens: 1.5B\n  downtime_cost_per_hour: 2500\n`,
      join(dir, 's.yaml'),
    );
    expect(scenario.priceBooks?.map((b) => [b.name, b.kind])).toEqual([
      ['list-2026', 'direct'],
      ['mine', 'relay'],
    ]);
    expect(scenario.report).toEqual({
      price_books: ['list-2026', './mine.yaml'],
      monthly_tokens: 1.5e9,
      downtime_cost_per_hour: 2500,
    });
  });

  it('names the field, the value and the line of a bad entry', () => {
    expect(errorOf(`${base}report:\n  monthly_tokens: lots\n`)).toMatch(
      /r\.yaml:4:19: field 'report\.monthly_tokens': expected a positive count such as 500M, 10k or 250000, got "lots"/,
    );
    expect(errorOf(`${base}report:\n  price_books: [list-2026, nowhere-2026]\n`)).toMatch(
      /r\.yaml:4:28: field 'report\.price_books\[1\]': price book .*nowhere-2026\.json: not found \(bundled books: list-2026, quoted-output-only-2026, relay-2026, relay-2026-at-list\)/,
    );
    expect(errorOf(`${base}report:\n  monthly_tokens: 5M\n  monthly_requests: 1M\n`)).toMatch(
      /field 'report\.monthly_requests': give 'monthly_tokens' or 'monthly_requests', not both/,
    );
    expect(errorOf(`${base}report:\n  price_books: [list-2026, list-2026]\n`)).toMatch(
      /two price books are both named 'list-2026'/,
    );
  });

  it('rejects a book with a bad kind or a price that is not a number, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-prices-'));
    writeFileSync(join(dir, 'kind.json'), JSON.stringify({ name: 'x', kind: 'reseller', models: {} }));
    writeFileSync(
      join(dir, 'price.json'),
      JSON.stringify({ name: 'x', kind: 'direct', models: { m: { input: '2', output: 8 } } }),
    );
    expect(() => readPriceBook(join(dir, 'kind.json'))).toThrow(
      /kind\.json: kind: expected 'direct' or 'relay', got "reseller"/,
    );
    expect(() => readPriceBook(join(dir, 'price.json'))).toThrow(
      /price\.json: models\.m\.input: expected a non-negative number \(USD per 1M tokens\), got "2"/,
    );
  });

  it('every shipped book loads, and each price has a source and a date', () => {
    for (const name of ['list-2026', 'relay-2026', 'relay-2026-at-list', 'quoted-output-only-2026']) {
      const scenario = parseScenario(`${base}report:\n  price_books: [${name}]\n`, 'r.yaml');
      const book = scenario.priceBooks![0]!;
      for (const [model, price] of Object.entries(book.models)) {
        expect(price.source, `${name} ${model}`).toBeTruthy();
        expect(price.date, `${name} ${model}`).toMatch(/^2026-\d\d-\d\d$/);
      }
    }
  });

  it('counts: 500M, 10k, 1_000, 1.5B', () => {
    expect([parseCount('500M'), parseCount('10k'), parseCount('1_000'), parseCount('1.5B'), parseCount('x')]).toEqual([
      5e8,
      1e4,
      1000,
      1.5e9,
      undefined,
    ]);
    expect([formatCount(5e8), formatCount(57_080_000), formatCount(750)]).toEqual(['500M', '57.08M', '750']);
  });
});
