/** Loading a price book for `run`: the one given with --prices, else the bundled list prices. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigInvalidError } from '../errors.js';
import { parsePriceBook, type PriceBook } from '../metrics/cost.js';

export const DEFAULT_PRICE_BOOK = join(import.meta.dirname, '../../fixtures/prices/list-2026.json');

/** An explicit file must load (else exit 104); the default may be missing (cost is then not reported). */
export async function loadPriceBook(file: string | undefined): Promise<PriceBook | undefined> {
  const path = file ?? DEFAULT_PRICE_BOOK;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (file === undefined) return undefined;
    throw new ConfigInvalidError(`--prices ${file}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parsePriceBook(JSON.parse(text), path);
  } catch (error) {
    throw new ConfigInvalidError(`invalid price book ${path}: ${(error as Error).message}`, { cause: error });
  }
}
