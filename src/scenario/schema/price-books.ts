/**
 * Finding and reading price books: a bare name (`relay-2026`) is a book in fixtures/prices/, any
 * other reference a JSON or YAML file relative to the file that names it. Read once, before a run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parsePriceBook, type PriceBook } from '../../metrics/cost.js';

export const PRICE_BOOK_DIR = join(import.meta.dirname, '../../../fixtures/prices');

/** Used when neither the command line nor the scenario names books: list prices vs the relay's claim. */
export const DEFAULT_PRICE_BOOKS: readonly string[] = Object.freeze(['list-2026', 'relay-2026']);

/** The file a reference names; `baseDir` is where a relative path is read from. */
export function priceBookPath(ref: string, baseDir: string): string {
  if (/^[a-z0-9][a-z0-9._-]*$/i.test(ref) && extname(ref) === '') {
    const found = ['.json', '.yaml', '.yml']
      .map((ext) => join(PRICE_BOOK_DIR, `${ref}${ext}`))
      .find((p) => existsSync(p));
    return found ?? join(PRICE_BOOK_DIR, `${ref}.json`);
  }
  return resolve(baseDir, ref);
}

/** The names of the books in fixtures/prices/. */
export function bundledBooks(): string[] {
  return readdirSync(PRICE_BOOK_DIR)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .map((f) => f.replace(/\.(json|ya?ml)$/, ''))
    .sort();
}

/**
 * Reads and validates one book.
 * @throws Error naming the file and, for a bad entry, the field and value.
 */
export function readPriceBook(path: string): PriceBook {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`price book ${path}: not found (bundled books: ${bundledBooks().join(', ')})`, { cause: error });
    throw new Error(`price book ${path}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error(
      `price book ${path}: not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return parsePriceBook(parsed, `price book ${path}`);
}

/** Reads every reference; the names must differ ({@link duplicateBookName}). */
export function readPriceBooks(refs: readonly string[], baseDir: string): PriceBook[] {
  const books = refs.map((ref) => readPriceBook(priceBookPath(ref, baseDir)));
  const problem = duplicateBookName(books);
  if (problem !== undefined) throw new Error(problem);
  return books;
}

/** Tables label columns by book name, so two books may not share one: the problem, or undefined. */
export function duplicateBookName(books: readonly PriceBook[]): string | undefined {
  const names = books.map((b) => b.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  return dup === undefined ? undefined : `two price books are both named '${dup}'; give each book its own name`;
}

/** The bundled default books; a missing or broken one is a bug in this checkout, so it throws too. */
export function defaultPriceBooks(): PriceBook[] {
  return readPriceBooks(DEFAULT_PRICE_BOOKS, process.cwd());
}
