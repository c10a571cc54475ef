/**
 * Price books carry the names people write: the default smoke drill asks for `claude-sonnet-4.5`,
 * the books list `claude-sonnet-4-5`; before aliases 451 of 1,000 successes of a new user's first
 * run were unpriced.
 */
import { describe, expect, it } from 'vitest';
import { parsePriceBook, priceFor } from '../../src/metrics/cost.js';
import { bundledBooks, priceBookPath, readPriceBook } from '../../src/scenario/schema/price-books.js';
import { loadScenario } from '../../src/scenario/schema/loader.js';

const list = readPriceBook(priceBookPath('list-2026', process.cwd()));

describe('price book aliases', () => {
  it('prices an alias, and a dated snapshot of an alias, at the listed model', () => {
    const listed = priceFor(list, 'claude-sonnet-4-5')!;
    expect(listed.output).toBeGreaterThan(0);
    expect(priceFor(list, 'claude-sonnet-4.5')).toBe(listed);
    expect(priceFor(list, 'claude-sonnet-4.5-20250929')).toBe(listed);
    expect(priceFor(list, 'claude-haiku-4.5')).toBe(priceFor(list, 'claude-haiku-4-5'));
  });

  it('prefers the longest listed name or alias, so a longer model is never priced as a shorter one', () => {
    expect(priceFor(list, 'claude-sonnet-4-5-20250929')).toBe(priceFor(list, 'claude-sonnet-4-5'));
    expect(priceFor(list, 'claude-sonnet-4-0')).toBe(priceFor(list, 'claude-sonnet-4-20250514'));
    expect(priceFor(list, 'claude-sonnet-4-6')).toBeUndefined();
  });

  it('prices every model the bundled scenarios ask for, in every bundled book that lists its family', async () => {
    for (const file of ['scenarios/smoke.yaml', 'scenarios/drills/flapping-primary.yaml']) {
      const scenario = await loadScenario(file);
      for (const provider of scenario.providers) {
        const model = provider.model;
        if (model === undefined) continue;
        for (const name of bundledBooks().filter((b) => b !== 'quoted-output-only-2026')) {
          const book = readPriceBook(priceBookPath(name, process.cwd()));
          expect(priceFor(book, model), `${file}: ${model} in ${name}`).toBeDefined();
        }
      }
    }
  });

  it('refuses an alias that is not a list of names, or one that names another entry', () => {
    const price = { input: 1, output: 2 };
    expect(() => parsePriceBook({ models: { a: { ...price, aliases: 'b' } } }, 'book x')).toThrow(
      /book x: models\.a\.aliases: expected a list of model names, got "b"/,
    );
    expect(() => parsePriceBook({ models: { a: { ...price, aliases: ['b'] }, b: price } }, 'book x')).toThrow(
      /models\.a\.aliases: 'b' already names b/,
    );
    expect(() =>
      parsePriceBook({ models: { a: { ...price, aliases: ['c'] }, b: { ...price, aliases: ['c'] } } }, 'book x'),
    ).toThrow(/models\.b\.aliases: 'c' already names a/);
  });
});
