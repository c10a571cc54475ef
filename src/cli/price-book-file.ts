/** `run --prices`: the books named on the command line (the scenario library falls back to the scenario's, then the defaults). */
import { ConfigInvalidError } from '../errors.js';
import type { PriceBook } from '../metrics/cost.js';
import { readPriceBooks } from '../scenario/schema/price-books.js';

/** --prices files must load (else exit 104); returns undefined when none were given. */
export function loadPriceBooksFlag(refs: readonly string[] | undefined): PriceBook[] | undefined {
  if (refs === undefined || refs.length === 0) return undefined;
  try {
    return readPriceBooks(refs, process.cwd());
  } catch (error) {
    throw new ConfigInvalidError(`--prices: ${(error as Error).message}`, { cause: error });
  }
}
