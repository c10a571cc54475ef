/** The price books for `run`: those given with --prices, else the scenario's, else the defaults. */
import { ConfigInvalidError } from '../errors.js';
import type { PriceBook } from '../metrics/cost.js';
import { DEFAULT_PRICE_BOOKS, readPriceBooks } from '../scenario/price-books.js';

/** --prices files must load (else exit 104); returns undefined when none were given. */
export function loadPriceBooksFlag(refs: readonly string[] | undefined): PriceBook[] | undefined {
  if (refs === undefined || refs.length === 0) return undefined;
  try {
    return readPriceBooks(refs, process.cwd());
  } catch (error) {
    throw new ConfigInvalidError(`--prices: ${(error as Error).message}`, { cause: error });
  }
}

/** The bundled default books; a missing or broken one is a bug in this checkout, so it throws too. */
export function defaultPriceBooks(): PriceBook[] {
  return readPriceBooks(DEFAULT_PRICE_BOOKS, process.cwd());
}
