/**
 * The merge behind `extends` and `variants`: maps merge key by key, recursively; lists and
 * scalars replace (a base's `faults` list is replaced whole, never concatenated, so a scenario
 * can always see what it runs). Pure: neither input is mutated.
 */

export type Plain = Record<string, unknown>;

export function isPlainMap(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `over` on top of `base`. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainMap(base) || !isPlainMap(over)) return over === undefined ? base : over;
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = key in base ? deepMerge(base[key], value) : value;
  return out;
}
